using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using FakeCri.Benchmarks.Benchmarks;

namespace FakeCri.Benchmarks.Measurements;

/// <summary>
/// <c>paired</c>: the same benchmark definitions as BenchmarkDotNet runs (their setups, cleanups, params and
/// baselines), measured interleaved: in each round every method of a category runs one block of calls, the
/// baseline (the floor) first on even rounds and last on odd ones, and the round's ratio is fake ÷ floor. The
/// median over rounds resists what BenchmarkDotNet's one-method-after-another order cannot: a shared machine whose
/// speed changes between the floor's run and the fake's.
/// </summary>
public static class PairedMeasurement
{
    private static readonly Type[] Classes = [typeof(PodRpcBenchmarks), typeof(ContainerRpcBenchmarks), typeof(LifecycleBenchmarks), typeof(JournalBenchmarks)];

    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new MeasurementArgs(arguments);
        var rounds = args.Int("--rounds", 15);
        var warmup = args.Int("--warmup", 3);
        var filter = args.Text("--filter") ?? string.Empty;
        Console.WriteLine($"paired: {rounds} rounds after {warmup} warm-up rounds; per-call medians; ratio = median over rounds of (method ÷ baseline)");
        Console.WriteLine($"{"class",-22} {"category",-20} {"params",-11} {"method",-30} {"per call",11} {"ratio",7}  {"ratio p25–p75",13}");
        foreach (var type in Classes.Where(t => t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            var door = type.GetProperty("Door");
            var doors = door?.GetCustomAttribute<ParamsAttribute>()?.Values ?? [null];
            foreach (var value in doors)
            {
                var instance = Activator.CreateInstance(type)!;
                door?.SetValue(instance, value);
                Invoke(instance, Marked<GlobalSetupAttribute>(type));
                try
                {
                    foreach (var category in Benchmarks(type).GroupBy(m => m.GetCustomAttribute<BenchmarkCategoryAttribute>()!.Categories[0]))
                    {
                        await MeasureCategoryAsync(instance, type, category.Key, [.. category], value?.ToString() ?? "-", rounds, warmup);
                    }
                }
                finally
                {
                    Invoke(instance, Marked<GlobalCleanupAttribute>(type));
                }
            }
        }

        return 0;
    }

    private static async Task MeasureCategoryAsync(object instance, Type type, string category, MethodInfo[] methods, string parameters, int rounds, int warmup)
    {
        var baseline = methods.Single(m => m.GetCustomAttribute<BenchmarkAttribute>()!.Baseline);
        var calls = type.GetCustomAttribute<InvocationCountAttribute>() is not null ? DoorBenchmarks.Batch : 200;
        var perCall = methods.ToDictionary(m => m, _ => new List<double>());
        var ratios = methods.ToDictionary(m => m, _ => new List<double>());
        for (var round = 0; round < warmup + rounds; round++)
        {
            var order = round % 2 == 0 ? methods.OrderBy(m => m != baseline) : methods.OrderBy(m => m == baseline);
            var times = new Dictionary<MethodInfo, double>();
            foreach (var method in order)
            {
                times[method] = await BlockAsync(instance, type, method, calls);
            }

            if (round >= warmup)
            {
                foreach (var method in methods)
                {
                    perCall[method].Add(times[method]);
                    ratios[method].Add(times[method] / times[baseline]);
                }
            }
        }

        foreach (var method in methods.OrderBy(m => m != baseline))
        {
            var r = ratios[method];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{type.Name.Replace("Benchmarks", string.Empty, StringComparison.Ordinal),-22} {category,-20} {parameters,-11} {method.Name,-30} {Percentiles.Median(perCall[method]),8:F2} µs {Percentiles.Median(r),7:F2}  {Percentiles.Of(r, 25),5:F2}–{Percentiles.Of(r, 75),-5:F2}"));
        }
    }

    /// <summary>One block: the method's iteration setup, <paramref name="calls"/> timed calls, its cleanup; µs per call.</summary>
    private static async Task<double> BlockAsync(object instance, Type type, MethodInfo method, int calls)
    {
        Invoke(instance, Marked<IterationSetupAttribute>(type, method.Name));
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            await (Task)method.Invoke(instance, null)!;
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMicroseconds / calls;
        Invoke(instance, Marked<IterationCleanupAttribute>(type, method.Name));
        return elapsed;
    }

    private static IEnumerable<MethodInfo> Benchmarks(Type type) =>
        type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null);

    private static IEnumerable<MethodInfo> Marked<T>(Type type, string? target = null)
        where T : TargetedAttribute =>
        type.GetMethods().Where(m => m.GetCustomAttribute<T>() is { } marked
            && (target is null || marked.Targets is null || marked.Targets.Length == 0 || marked.Targets.Contains(target)));

    private static void Invoke(object instance, IEnumerable<MethodInfo> methods)
    {
        foreach (var method in methods)
        {
            method.Invoke(instance, null);
        }
    }
}
