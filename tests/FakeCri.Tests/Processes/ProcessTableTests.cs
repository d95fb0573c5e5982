using FakeCri.Processes;

namespace FakeCri.Tests.Processes;

/// <summary>A container's PID namespace: PIDs in order, exits forgotten, signals by PID.</summary>
public sealed class ProcessTableTests
{
    [Fact]
    public async Task Snapshot_AfterSpawnsAndExits_LiveProcessesByPid()
    {
        var table = new ProcessTable();
        var processes = Enumerable.Range(0, 6).Select(i => table.Spawn([$"p{i}"], null, 0)).ToList();

        table.Exit(processes[0], 0);
        table.Exit(processes[3], 1);
        table.Exit(processes[5], 2);
        var later = table.Spawn(["later"], processes[1], 0);

        Assert.Equal([2, 3, 5, 7], table.Snapshot().Select(p => p.Pid));
        Assert.Equal(7, later.Pid);
        Assert.Equal(1, await processes[3].Exited);
    }

    [Fact]
    public void Signal_LiveAndGonePids_DeliveredOnlyToTheLiveOne()
    {
        var table = new ProcessTable();
        var first = table.Spawn(["a"], null, 0);
        var second = table.Spawn(["b"], null, 0);
        table.Exit(first, 0);

        Assert.False(table.Signal(first.Pid, Signals.Terminate));
        Assert.False(table.Signal(99, Signals.Terminate));
        Assert.True(table.Signal(second.Pid, Signals.Terminate));
        Assert.True(second.TakeSignal(out var signal));
        Assert.Equal(Signals.Terminate, signal);
        Assert.False(second.TakeSignal(out _));
    }
}
