using BenchmarkDotNet.Running;
using Playbook.Benchmarks;

// --generate [LINES], --check [FILE], --profile [FILE|generated] [ITERATIONS]: see README.md.
if (args.Length > 0 && DevCommands.Run(args) is var code && code >= 0) return code;

BenchmarkSwitcher.FromAssembly(typeof(PlaybookGenerator).Assembly).Run(args);
return 0;
