// esbuild's "text" loader turns an imported .txt file into its contents (see build.mjs).
declare module '*.txt' {
  const text: string;
  export default text;
}
