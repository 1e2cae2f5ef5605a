{
  "targets": [
    {
      "target_name": "charrnn_native",
      "sources": ["src/gemm.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-strict-aliasing", "-Wno-psabi"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] }
    }
  ]
}
