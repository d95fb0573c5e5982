using FakeCri.Cri.V1;
using FakeCri.Runtime.Internal;
using Google.Protobuf;

namespace FakeCri.Tests.Runtime.Internal;

/// <summary>
/// The compact form of a stored container config: the parts kept as objects read as in the config, and the whole
/// config comes back equal, field for field, byte for byte and in the same JSON.
/// </summary>
public sealed class StoredContainerConfigTests
{
    public static TheoryData<string> ContainerConfigs => ["full", "no linux", "linux without resources", "only resources", "empty"];

    [Theory]
    [MemberData(nameof(ContainerConfigs))]
    public void ToMessage_AnyContainerConfig_EqualToTheOriginal(string shape)
    {
        var original = ContainerConfig(shape);

        var stored = new StoredContainerConfig(original.Clone());
        var again = stored.ToMessage();

        Assert.Equal(original, again);
        Assert.Equal(JsonFormatter.Default.Format(original), JsonFormatter.Default.Format(again));
        Assert.Equal(original.ToByteArray(), again.ToByteArray());
        Assert.NotSame(stored.ToMessage(), again); // a new message every time
    }

    [Fact]
    public void Parts_OfAContainerConfig_AsInTheConfig()
    {
        var original = ContainerConfig("full");

        var stored = new StoredContainerConfig(original.Clone());

        Assert.Equal(original.Metadata, stored.Metadata);
        Assert.Equal(original.Image, stored.Image);
        Assert.Equal(original.Labels.ToList(), stored.Labels.ToList());
        Assert.Equal(original.Annotations.ToList(), stored.Annotations.ToList());
        Assert.Equal(original.Mounts, stored.Mounts);
        Assert.Equal(original.Linux.Resources, stored.Resources);
        Assert.Equal((original.StdinOnce, original.Tty), (stored.StdinOnce, stored.Tty));
    }

    [Fact]
    public void ToMessage_UnknownFields_Kept()
    {
        var bytes = ContainerConfig("full").ToByteArray().Concat(new byte[] { 0xB8, 0x3E, 0x2A }).ToArray(); // field 999 = 42
        var original = Cri.V1.ContainerConfig.Parser.ParseFrom(bytes);

        var again = new StoredContainerConfig(original.Clone()).ToMessage();

        Assert.Equal(original, again);
        Assert.Equal(bytes.Length, again.CalculateSize());
    }

    private static ContainerConfig ContainerConfig(string shape)
    {
        if (shape == "empty")
        {
            return new ContainerConfig();
        }

        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = "app", Attempt = 2 },
            Image = new ImageSpec { Image = "nginx", UserSpecifiedImage = "nginx:1.27", Annotations = { ["b"] = "1", ["a"] = "2" } },
            Command = { "sh", "-c" },
            Args = { "echo hi" },
            WorkingDir = "/work",
            Envs = { new KeyValue { Key = "A", Value = ByteString.CopyFromUtf8("1") }, new KeyValue { Key = "B", Value = ByteString.CopyFromUtf8("2") } },
            Mounts =
            {
                new Mount { ContainerPath = "/data", HostPath = "/srv/data", Readonly = true, Propagation = MountPropagation.PropagationBidirectional },
                new Mount { ContainerPath = "/ids", HostPath = "/srv/ids", UidMappings = { new IDMapping { HostId = 1000, ContainerId = 0, Length = 1 } } },
            },
            Devices = { new Device { ContainerPath = "/dev/x", HostPath = "/dev/y", Permissions = "rw" } },
            Labels = { ["z"] = "1", ["a"] = "2", ["m"] = "3" },
            Annotations = { ["note"] = "text", ["another"] = string.Empty },
            LogPath = "app/2.log",
            Stdin = true,
            StdinOnce = true,
            Tty = true,
            CDIDevices = { new CDIDevice { Name = "vendor.com/gpu=0" } },
            StopSignal = Signal.Sigquit,
        };
        if (shape == "no linux")
        {
            return config;
        }

        config.Linux = new LinuxContainerConfig();
        if (shape != "linux without resources")
        {
            config.Linux.Resources = new LinuxContainerResources
            {
                CpuShares = 2,
                MemoryLimitInBytes = 64 << 20,
                HugepageLimits = { new HugepageLimit { PageSize = "2MB", Limit = 1 } },
                Unified = { ["memory.high"] = "1" },
            };
        }

        if (shape != "only resources")
        {
            config.Linux.SecurityContext = new LinuxContainerSecurityContext
            {
                RunAsUser = new Int64Value { Value = 1000 },
                SupplementalGroups = { 1, 2 },
                MaskedPaths = { "/proc/kcore" },
                NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container },
            };
        }

        return config;
    }
}
