// `nasforge info`: what engine this is and what it can use.
import { type Command } from 'commander';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the engine: libtorch version, threads, devices')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const torch = await import('../torch/index.js');
      const info = {
        libtorch: torch.libtorchVersion(),
        threads: torch.getNumThreads(),
        cuda: torch.cudaAvailable(),
        cudaDevices: torch.cudaDeviceCount(),
        node: process.version,
      };
      if (o.json) console.log(JSON.stringify(info));
      else for (const [k, v] of Object.entries(info)) console.log(`${k.padEnd(12)} ${v}`);
    });
}
