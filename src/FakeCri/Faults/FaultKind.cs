namespace FakeCri.Faults;

/// <summary>What a fault rule does to the calls it matches.</summary>
public enum FaultKind
{
    /// <summary>The call fails with the rule's status, without reaching the runtime.</summary>
    Fail,

    /// <summary>The call waits the rule's latency on the runtime's clock, then proceeds.</summary>
    Delay,

    /// <summary>The call fails with the rule's status with the rule's probability, from a seeded random sequence.</summary>
    Chaos,
}
