using FakeCri.Cri.V1;
using FakeCri.Runtime.Internal;

namespace FakeCri.Tests.Runtime.Internal;

/// <summary>The stored configs' label and annotation maps: a map in its original order, read-only.</summary>
public sealed class CompactStringMapTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(CompactStringMap.ScanLimit)]
    [InlineData(CompactStringMap.ScanLimit + 1)]
    [InlineData(100)]
    public void Lookups_AnySize_AsTheMapItCameFrom(int count)
    {
        var source = new Dictionary<string, string>();
        for (var i = count - 1; i >= 0; i--)
        {
            source[$"key-{i}"] = $"value-{i}";
        }

        var map = new CompactStringMap(source);

        Assert.Equal(source.ToList(), map.ToList());
        Assert.Equal(count, map.Count);
        foreach (var (key, value) in source)
        {
            Assert.True(map.TryGetValue(key, out var found));
            Assert.Equal(value, found);
            Assert.Equal(value, map[key]);
            Assert.True(map.ContainsKey(key));
        }

        Assert.False(map.TryGetValue("key-missing", out _));
        Assert.False(map.ContainsKey("KEY-0"));
        Assert.Throws<KeyNotFoundException>(() => map["key-missing"]);
        Assert.Equal(source.Keys, map.Keys);
        Assert.Equal(source.Values, map.Values);
    }

    [Fact]
    public void MapFieldInitializer_FromTheMap_SamePairsInOrder()
    {
        var map = new CompactStringMap([new("b", "1"), new("a", "2")]);

        var status = new ContainerStatus { Labels = { map } };

        Assert.Equal([new("b", "1"), new KeyValuePair<string, string>("a", "2")], status.Labels.ToList());
    }

    [Fact]
    public void Changes_Refused()
    {
        IDictionary<string, string> map = new CompactStringMap([new("a", "1")]);

        Assert.True(map.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => map.Add("b", "2"));
        Assert.Throws<NotSupportedException>(() => map["a"] = "2");
        Assert.Throws<NotSupportedException>(() => map.Remove("a"));
        Assert.Throws<NotSupportedException>(map.Clear);
        Assert.Equal("1", map["a"]);
    }
}
