// How `nx release version` reads and writes versions of our npm packages. Nx's own implementation
// lives in the @nx/js plugin, which has no release for Nx 24 (see WORKSPACE-NOTES), so this is the
// small part of it we need: the version in package.json, the version on the registry, and the exact
// versions our packages pin on each other (we pin exactly, like every other dependency).
// Wired in nx.json → release.version.versionActions. CommonJS because Nx require()s it.

const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { VersionActions } = require('nx/release');

const COLLECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

class NpmVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  readJson(tree, path) {
    return JSON.parse(tree.read(path, 'utf-8'));
  }

  writeJson(tree, path, value) {
    tree.write(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = join(this.projectGraphNode.data.root, 'package.json');
    return { currentVersion: this.readJson(tree, manifestPath).version, manifestPath };
  }

  async readCurrentVersionFromRegistry(tree) {
    const { name } = this.readJson(tree, join(this.projectGraphNode.data.root, 'package.json'));
    try {
      const version = JSON.parse(
        execFileSync('npm', ['view', name, 'version', '--json'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }),
      );
      return { currentVersion: version, logText: `read ${version} from the npm registry` };
    } catch {
      return { currentVersion: null, logText: `${name} is not on the npm registry yet` };
    }
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const manifest = this.readJson(tree, join(this.projectGraphNode.data.root, 'package.json'));
    const packageName =
      projectGraph.nodes[dependencyProjectName]?.data.metadata?.js?.packageName ?? dependencyProjectName;
    for (const collection of COLLECTIONS) {
      const spec = manifest[collection]?.[packageName];
      if (spec !== undefined) return { currentVersion: spec, dependencyCollection: collection };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const manifest = this.readJson(tree, manifestPath);
      manifest.version = newVersion;
      this.writeJson(tree, manifestPath, manifest);
      logs.push(`✍️  New version ${newVersion} written to manifest: ${manifestPath}`);
    }
    return logs;
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const manifest = this.readJson(tree, manifestPath);
      let changed = 0;
      for (const [projectName, version] of Object.entries(dependenciesToUpdate)) {
        const packageName = projectGraph.nodes[projectName]?.data.metadata?.js?.packageName ?? projectName;
        for (const collection of COLLECTIONS) {
          if (manifest[collection]?.[packageName] !== undefined) {
            manifest[collection][packageName] = version;
            changed += 1;
          }
        }
      }
      if (changed > 0) {
        this.writeJson(tree, manifestPath, manifest);
        logs.push(`✍️  Updated ${changed} dependenc${changed === 1 ? 'y' : 'ies'} in manifest: ${manifestPath}`);
      }
    }
    return logs;
  }
}

/** After versioning: bring package-lock.json in line (skipped in a dry run, which writes nothing). */
async function afterAllProjectsVersioned(cwd, { dryRun }) {
  if (dryRun) return { changedFiles: [], deletedFiles: [] };
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd,
    stdio: 'inherit',
  });
  return { changedFiles: ['package-lock.json'], deletedFiles: [] };
}

module.exports = NpmVersionActions;
module.exports.default = NpmVersionActions;
module.exports.afterAllProjectsVersioned = afterAllProjectsVersioned;
