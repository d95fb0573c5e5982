using FakeCri.Faults;
using FakeCri.Runtime;

namespace FakeCri.Scenarios.Internal;

/// <summary>Applies a <see cref="Scenario"/> to a running fake, in the order a node would have got there.</summary>
internal sealed class ScenarioApplier
{
    private readonly EmulatedRuntime _runtime;
    private readonly FaultInjector _faults;

    public ScenarioApplier(EmulatedRuntime runtime, FaultInjector faults)
    {
        _runtime = runtime;
        _faults = faults;
    }

    public ScenarioResult Apply(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        foreach (var image in scenario.CatalogImages)
        {
            _runtime.AddToCatalog(image);
        }

        foreach (var reference in scenario.Images)
        {
            _runtime.SeedImage(reference);
        }

        foreach (var behavior in scenario.Behaviors)
        {
            _runtime.AddBehavior(behavior);
        }

        List<string> sandboxes = [];
        List<string> containers = [];
        foreach (var pod in scenario.Pods)
        {
            var sandboxId = _runtime.SeedSandbox(pod.Sandbox);
            sandboxes.Add(sandboxId);
            containers.AddRange(pod.Containers.Select(c => _runtime.SeedContainer(c with { PodSandboxId = sandboxId })));
        }

        // Faults and conditions last: a scenario's pods were there before the trouble started.
        foreach (var condition in scenario.Conditions)
        {
            _runtime.SetCondition(condition.Type, condition.Status, condition.Reason, condition.Message);
        }

        foreach (var rule in scenario.Faults)
        {
            _faults.Add(rule);
        }

        return new ScenarioResult(sandboxes, containers);
    }
}
