using FakeCri.Behaviors;
using FakeCri.Faults;
using FakeCri.Images;
using FakeCri.Runtime;

namespace FakeCri.Scenarios;

/// <summary>
/// A starting point for a fake, as data: images the registry serves and those already local, behaviours, faults,
/// runtime conditions and pods already running. Read one with <see cref="ScenarioDocument"/>; apply it with
/// <see cref="FakeCriOptions.WithScenario"/>, <see cref="FakeCriServer.ApplyScenario"/> or
/// <c>fakecri serve --scenario</c>.
/// </summary>
public sealed record Scenario
{
    /// <summary>Images added to the catalog: pullable even in strict mode.</summary>
    public IReadOnlyList<CatalogImage> CatalogImages { get; init; } = [];

    /// <summary>References put into the local store as if pulled.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>Declared behaviours, added after the options' ones.</summary>
    public IReadOnlyList<ContainerBehavior> Behaviors { get; init; } = [];

    /// <summary>Fault rules on CRI calls.</summary>
    public IReadOnlyList<FaultRule> Faults { get; init; } = [];

    /// <summary>Runtime conditions to report.</summary>
    public IReadOnlyList<ScenarioCondition> Conditions { get; init; } = [];

    /// <summary>Pods the runtime already holds, with their containers.</summary>
    public IReadOnlyList<ScenarioPod> Pods { get; init; } = [];
}

/// <summary>A runtime condition a scenario sets (e.g. NetworkReady false).</summary>
/// <param name="Type">The condition type.</param>
/// <param name="Status">Whether it holds.</param>
/// <param name="Reason">A CamelCase reason.</param>
/// <param name="Message">A human-readable message.</param>
public sealed record ScenarioCondition(string Type, bool Status, string Reason, string Message);

/// <summary>A pod a scenario seeds: its sandbox and its containers (their sandbox ID is filled in when seeded).</summary>
/// <param name="Sandbox">The sandbox seed.</param>
/// <param name="Containers">The container seeds, created in order.</param>
public sealed record ScenarioPod(SandboxSeed Sandbox, IReadOnlyList<ContainerSeed> Containers);

/// <summary>The IDs of what applying a scenario created.</summary>
/// <param name="SandboxIds">The seeded sandboxes, in document order.</param>
/// <param name="ContainerIds">The seeded containers, in document order.</param>
public sealed record ScenarioResult(IReadOnlyList<string> SandboxIds, IReadOnlyList<string> ContainerIds);
