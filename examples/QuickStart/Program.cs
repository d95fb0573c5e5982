// QuickStart: start a fake CRI runtime in this process and talk to it like kubelet would.
// Run: dotnet run --project examples/QuickStart
using FakeCri;
using FakeCri.Cri.V1;

await using var cri = await FakeCriServer.StartInProcessAsync();

var version = await cri.RuntimeClient.VersionAsync(new VersionRequest { Version = "v1" });
Console.WriteLine($"runtime: {version.RuntimeName} {version.RuntimeVersion} (CRI {version.RuntimeApiVersion})");

var status = await cri.RuntimeClient.StatusAsync(new StatusRequest());
foreach (var condition in status.Status.Conditions)
{
    Console.WriteLine($"condition {condition.Type}: {condition.Status}");
}

Console.WriteLine("runtime handlers: " + string.Join(", ", status.RuntimeHandlers.Select(h => $"\"{h.Name}\"")));

var config = await cri.RuntimeClient.RuntimeConfigAsync(new RuntimeConfigRequest());
Console.WriteLine($"cgroup driver: {config.Linux.CgroupDriver}");
