/**
 * What the figures ran on, for bench/RESULTS.md: the adapter string alone does not say which Mesa build a
 * lavapipe/llvmpipe adapter comes from (Debian 12's stock 22.3 and bookworm-backports' 25.0 both report
 * "llvmpipe (LLVM 15.0.6, 256 bits)" and perform very differently), nor how busy the cores were.
 */
declare const Deno: { readTextFileSync(path: string): string };

function read(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return '';
  }
}

/** Installed version of a Debian package (from dpkg's status file), or 'unknown'. */
export function debianPackageVersion(name: string): string {
  const block = read('/var/lib/dpkg/status')
    .split('\n\n')
    .find((b) => b.startsWith(`Package: ${name}\n`) && /\nStatus: install ok installed/.test(b));
  return block?.match(/\nVersion: (.+)/)?.[1] ?? 'unknown';
}

export function cpuInfo(): string {
  const txt = read('/proc/cpuinfo');
  const model = txt.match(/model name\s*:\s*(.+)/)?.[1]?.trim() ?? 'unknown CPU';
  const cores = txt.match(/^processor\s*:/gm)?.length ?? navigator.hardwareConcurrency;
  return `${model}, ${cores} logical cores`;
}

/** 1/5/15-minute load averages: other processes compete for the cores a software adapter runs on. */
export function loadAverage(): string {
  return read('/proc/loadavg').split(' ').slice(0, 3).join(' ') || 'unknown';
}

export function systemInfo() {
  return {
    cpu: cpuInfo(),
    mesaVulkanDrivers: debianPackageVersion('mesa-vulkan-drivers'),
    loadAverage: loadAverage(),
  };
}
