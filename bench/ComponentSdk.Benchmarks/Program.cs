using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ComponentSdk.Benchmarks.CodecBenchmarks).Assembly).Run(args);
