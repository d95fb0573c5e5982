using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Benchmarks.Measurements;

// `scale` and `cold-start` are measurements BenchmarkDotNet does not fit (a 100,000-container fill, a child
// process's first second), and `paired` runs the fake-vs-floor benchmarks interleaved (see PairedMeasurement);
// everything else goes to BenchmarkDotNet's command line (--filter, --job, ...).
return args switch
{
    ["scale", .. var rest] => await ScaleMeasurement.RunAsync(rest),
    ["cold-start", .. var rest] => await ColdStartMeasurement.RunAsync(rest),
    ["paired", .. var rest] => await PairedMeasurement.RunAsync(rest),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    // Artifacts under bin/ by default, so a run leaves the work tree clean; --artifacts overrides.
    IConfig config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
    if (typeof(Program).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
    {
        // The CI smoke runs the Debug build `dotnet test` already made: it checks that every benchmark runs, and
        // its numbers mean nothing. Measure with -c Release.
        Console.Error.WriteLine("FakeCri.Benchmarks: Debug build: a smoke run only, the numbers are not measurements");
        config = config.WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }

    if (args.Any(a => a is "--inProcess" or "-i") && !args.Any(a => a.Equals("dry", StringComparison.OrdinalIgnoreCase)))
    {
        Prewarm.RunAsync(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
    }

    var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();
    // BenchmarkDotNet reports a benchmark that threw and carries on; the CI smoke needs a failing exit code.
    var failed = summaries.SelectMany(s => s.Reports).Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo).ToList();
    foreach (var name in failed)
    {
        Console.Error.WriteLine($"benchmark failed: {name}");
    }

    return failed.Count > 0 || summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
}
