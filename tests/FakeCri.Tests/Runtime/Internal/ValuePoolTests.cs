using FakeCri.Cri.V1;
using FakeCri.Runtime.Internal;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Runtime.Internal;

/// <summary>The pool of stored values: equal values become one instance, and nothing reads differently.</summary>
public sealed class ValuePoolTests
{
    [Fact]
    public void ShareParts_TwoEqualContainerConfigs_SameInstancesAndStillEqual()
    {
        var pool = new ValuePool();
        var request = Kubelet.ContainerConfig("app");
        request.Envs.Add(new KeyValue { Key = "MODE", Value = Google.Protobuf.ByteString.CopyFromUtf8("fast") });
        var one = Parsed(request);
        var two = Parsed(request);

        pool.ShareParts(one);
        pool.ShareParts(two);

        Assert.Equal(request, one);
        Assert.Equal(request, two);
        Assert.Same(one.Metadata, two.Metadata);
        Assert.Same(one.Image, two.Image);
        Assert.Same(one.Linux.Resources, two.Linux.Resources);
        Assert.Same(one.Labels.Single().Key, two.Labels.Single().Key);
        Assert.Same(one.Annotations.Single().Value, two.Annotations.Single().Value);
        Assert.Same(one.Mounts[0].HostPath, two.Mounts[0].HostPath);
        Assert.Same(one.Envs[0].Key, two.Envs[0].Key);
        Assert.Same(one.Command[0], two.Command[0]);
    }

    [Fact]
    public void ShareParts_Maps_KeepTheirOrder()
    {
        var pool = new ValuePool();
        var config = new ContainerConfig { Labels = { ["z"] = "1", ["a"] = "2", ["m"] = "3" } };

        pool.ShareParts(config);

        Assert.Equal(["z", "a", "m"], config.Labels.Keys);
        Assert.Equal(["1", "2", "3"], config.Labels.Values);
    }

    [Fact]
    public void ShareParts_SandboxConfigs_SameStringsAndNamespaceOptions()
    {
        var pool = new ValuePool();
        var request = Kubelet.PodConfig("pod");
        var one = PodSandboxConfig.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(request));
        var two = PodSandboxConfig.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(request));

        pool.ShareParts(one);
        pool.ShareParts(two);

        Assert.Equal(request, one);
        Assert.Same(one.Metadata.Uid, two.Metadata.Uid);
        Assert.Same(one.Labels["app"], two.Labels["app"]);
        Assert.Same(one.Linux.SecurityContext.NamespaceOptions, two.Linux.SecurityContext.NamespaceOptions);
        Assert.NotSame(one.Metadata, two.Metadata);
    }

    [Fact]
    public void Share_UnequalMessages_NotMixedUp()
    {
        var pool = new ValuePool();
        var small = new LinuxContainerResources { CpuShares = 2 };
        var large = new LinuxContainerResources { CpuShares = 2, MemoryLimitInBytes = 1 };

        Assert.Same(small, pool.Share(small));
        Assert.Same(large, pool.Share(large));
        Assert.Same(small, pool.Share(new LinuxContainerResources { CpuShares = 2 }));
        Assert.Null(pool.Share<LinuxContainerResources>(null));
    }

    [Fact]
    public void Share_LongStringsAndLargeMessages_NotPooled()
    {
        var pool = new ValuePool();
        var text = new string('x', ValuePool.MaxLength + 1);
        var message = new ImageSpec { Image = text };

        pool.Share(text);
        pool.Share(message);

        Assert.NotSame(text, pool.Share(new string('x', ValuePool.MaxLength + 1)));
        Assert.NotSame(message, pool.Share(message.Clone()));
    }

    [Fact]
    public void Share_BeyondCapacity_StartsAfreshAndStillAnswersEqually()
    {
        var pool = new ValuePool();
        var first = pool.Share(Text(0));
        for (var i = 1; i <= ValuePool.Capacity; i++)
        {
            Assert.Equal(Text(i), pool.Share(Text(i)));
        }

        var again = pool.Share(Text(0));

        Assert.Equal(first, again);
        Assert.NotSame(first, again); // forgotten when the pool started afresh
        Assert.Same(again, pool.Share(Text(0)));
    }

    private static ContainerConfig Parsed(ContainerConfig config) =>
        ContainerConfig.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(config));

    private static string Text(int number) => "value-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
