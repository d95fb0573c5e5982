using FakeCri.Cri.V1;
using FakeCri.Runtime.Internal;
using Google.Protobuf;

namespace FakeCri.Tests.Runtime.Internal;

/// <summary>
/// The compact form of a stored sandbox config: the parts kept as objects read as in the config, and the whole
/// config comes back equal, field for field, byte for byte and in the same JSON.
/// </summary>
public sealed class StoredSandboxConfigTests
{
    public static TheoryData<string> SandboxConfigs => ["full", "no linux", "security context without namespaces", "only namespaces", "empty"];

    [Theory]
    [MemberData(nameof(SandboxConfigs))]
    public void ToMessage_AnySandboxConfig_EqualToTheOriginal(string shape)
    {
        var original = SandboxConfig(shape);

        var stored = new StoredSandboxConfig(original.Clone());
        var again = stored.ToMessage();

        Assert.Equal(original, again);
        Assert.Equal(JsonFormatter.Default.Format(original), JsonFormatter.Default.Format(again));
        Assert.Equal(original.ToByteArray(), again.ToByteArray());
        Assert.Equal(original.Metadata, stored.Metadata);
        Assert.Equal(original.Labels.ToList(), stored.Labels.ToList());
        Assert.Equal(original.Annotations.ToList(), stored.Annotations.ToList());
        Assert.Equal(original.PortMappings, stored.PortMappings);
        Assert.Equal(original.Linux?.SecurityContext?.NamespaceOptions, stored.NamespaceOptions);
    }

    private static PodSandboxConfig SandboxConfig(string shape)
    {
        if (shape == "empty")
        {
            return new PodSandboxConfig();
        }

        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = "pod", Namespace = "ns", Uid = "uid", Attempt = 1 },
            Hostname = "pod",
            LogDirectory = "/var/log/pods/x",
            DnsConfig = new DNSConfig { Servers = { "10.0.0.10" }, Searches = { "ns.svc" }, Options = { "ndots:5" } },
            PortMappings = { new PortMapping { ContainerPort = 80, HostPort = 8080, HostIp = "127.0.0.1" } },
            Labels = { ["z"] = "1", ["a"] = "2" },
            Annotations = { ["seen"] = "now" },
        };
        if (shape == "no linux")
        {
            return config;
        }

        config.Linux = new LinuxPodSandboxConfig { CgroupParent = "/kubepods", Sysctls = { ["net.core.somaxconn"] = "1024" } };
        config.Linux.SecurityContext = new LinuxSandboxSecurityContext();
        if (shape != "security context without namespaces")
        {
            config.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Node, Pid = NamespaceMode.Pod };
        }

        if (shape != "only namespaces")
        {
            config.Linux.SecurityContext.Privileged = true;
            config.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault };
        }

        return config;
    }
}
