using System.Text.Json;
using FakeCri.Cri.V1;

namespace FakeCri.Tests.Runtime;

/// <summary>Version, Status and RuntimeConfig answer as a healthy containerd-like runtime.</summary>
public sealed class RuntimeInfoTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_NamedHandlersConfigured_ListsDefaultAndNamedSortedByName()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default.WithRuntimeHandlers("runc", "kata", "gvisor"), Cancel);

        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: Cancel);

        Assert.Equal(["", "gvisor", "kata", "runc"], status.RuntimeHandlers.Select(h => h.Name));
        Assert.All(status.RuntimeHandlers, h => Assert.True(h.Features.RecursiveReadOnlyMounts && h.Features.UserNamespaces));
    }

    [Fact]
    public async Task Status_NoNamedHandlers_ListsOnlyTheDefault()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default.WithRuntimeHandlers(), Cancel);

        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: Cancel);

        Assert.Equal([""], status.RuntimeHandlers.Select(h => h.Name));
    }

    [Fact]
    public async Task Status_Verbose_AddsConfigAsJson()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default with { CgroupDriver = CgroupDriver.Cgroupfs }, Cancel);

        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest { Verbose = true }, cancellationToken: Cancel);

        using var config = JsonDocument.Parse(status.Info["config"]);
        Assert.Equal("fakecri", config.RootElement.GetProperty("runtimeName").GetString());
        Assert.Equal("cgroupfs", config.RootElement.GetProperty("cgroupDriver").GetString());
        Assert.Equal(["", "runc"], config.RootElement.GetProperty("runtimeHandlers").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task RuntimeConfig_CgroupfsConfigured_ReportsCgroupfs()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default with { CgroupDriver = CgroupDriver.Cgroupfs }, Cancel);

        var config = await cri.RuntimeClient.RuntimeConfigAsync(new RuntimeConfigRequest(), cancellationToken: Cancel);

        Assert.Equal(CgroupDriver.Cgroupfs, config.Linux.CgroupDriver);
    }

    [Fact]
    public async Task UpdateRuntimeConfig_EmptyCidr_KeepsThePreviousOne()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var set = new UpdateRuntimeConfigRequest
        {
            RuntimeConfig = new RuntimeConfig { NetworkConfig = new NetworkConfig { PodCidr = "10.244.1.0/24" } },
        };

        await cri.RuntimeClient.UpdateRuntimeConfigAsync(set, cancellationToken: Cancel);
        await cri.RuntimeClient.UpdateRuntimeConfigAsync(new UpdateRuntimeConfigRequest(), cancellationToken: Cancel);

        Assert.Equal("10.244.1.0/24", cri.Runtime.PodCidr);
    }

    [Fact]
    public void Options_EmptyHandlerName_IsRejectedNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new FakeCri.Runtime.EmulatedRuntime(FakeCriOptions.Default.WithRuntimeHandlers("runc", "")));

        Assert.Contains("RuntimeHandlers", error.Message);
    }

}
