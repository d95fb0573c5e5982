using FakeCri.Cri.V1;
using FakeCri.Runtime.Internal;

namespace FakeCri.Tests.Runtime.Internal;

/// <summary>The serialised event backlog: the same events back, in order, whatever its byte array went through.</summary>
public sealed class EventBacklogTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Drain_AfterManyEventsOfMixedSizes_NewestUpToCapacityInOrder()
    {
        var backlog = new EventBacklog(capacity: 100, maxAge: TimeSpan.FromMinutes(5));
        var published = new List<ContainerEventResponse>();
        for (var i = 0; i < 1_000; i++)
        {
            // Sizes from ~50 bytes to ~40 KiB: the byte array is compacted and grown along the way.
            var evt = Event(i, containers: i % 97 == 0 ? 400 : i % 5);
            published.Add(evt);
            backlog.Add(Start, evt);
        }

        Assert.Equal(100, backlog.Count);
        Assert.Equal(published.TakeLast(100), backlog.Drain(Start));
        Assert.Equal(0, backlog.Count);
    }

    [Fact]
    public void Drain_EventsOlderThanTheAge_Dropped()
    {
        var backlog = new EventBacklog(capacity: 10, maxAge: TimeSpan.FromMinutes(5));
        backlog.Add(Start, Event(1, containers: 1));
        backlog.Add(Start.AddMinutes(4), Event(2, containers: 1));

        var drained = backlog.Drain(Start.AddMinutes(6));

        Assert.Equal([Event(2, containers: 1)], drained);
    }

    [Fact]
    public void Add_AfterDrain_StartsAfresh()
    {
        var backlog = new EventBacklog(capacity: 10, maxAge: TimeSpan.FromMinutes(5));
        backlog.Add(Start, Event(1, containers: 300));
        backlog.Drain(Start);

        backlog.Add(Start, Event(2, containers: 2));

        Assert.Equal([Event(2, containers: 2)], backlog.Drain(Start));
    }

    private static ContainerEventResponse Event(int number, int containers)
    {
        var evt = new ContainerEventResponse
        {
            ContainerId = $"c{number}",
            ContainerEventType = ContainerEventType.ContainerStartedEvent,
            CreatedAt = number,
            PodSandboxStatus = new PodSandboxStatus { Id = $"p{number}", Labels = { ["n"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        };
        for (var i = 0; i < containers; i++)
        {
            evt.ContainersStatuses.Add(new ContainerStatus { Id = $"c{number}-{i}", Message = new string('x', 90) });
        }

        return evt;
    }
}
