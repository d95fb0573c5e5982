using FakeCri.Cri.V1;

namespace FakeCri.Tests.Contract;

/// <summary>
/// The compiled proto must be the CRI v1 wire contract of Kubernetes 1.36, record for record: any drift in a
/// name, number or type is a wire incompatibility with kubelet and crictl.
/// </summary>
public sealed class CriContractTests
{
    private static readonly string[] Expected =
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Contract", "runtime-v1.tsv"))
            .Where(line => line.Length > 0)
            .ToArray();

    private static IReadOnlyList<string> Compiled => DescriptorTsv.Render(ApiReflection.Descriptor);

    [Fact]
    public void CompiledDescriptor_ComparedWithContract_MatchesRecordForRecord()
    {
        var diff = ContractDiff.Describe(Expected, Compiled);

        Assert.True(diff.Length == 0, "The compiled CRI proto drifted from runtime-v1.tsv:\n" + diff);
    }

    [Fact]
    public void CompiledDescriptor_Counted_HasTheContractsShape()
    {
        var kinds = Compiled.GroupBy(line => line.Split('\t')[0]).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(41, kinds["rpc"]);
        Assert.Equal(170, kinds["message"]);
        Assert.Equal(463, kinds["field"]);
        Assert.Equal(11, kinds["enum"]);
        Assert.Equal(35, RuntimeService.Descriptor.Methods.Count);
        Assert.Equal(6, ImageService.Descriptor.Methods.Count);
    }

    [Fact]
    public void ContractDiff_FieldNumberChanged_ReportsBothSidesOfTheField()
    {
        var mutated = Expected.ToArray();
        var index = Array.IndexOf(mutated, "field\truntime.v1.PodSandboxMetadata\t4\tattempt\tuint32\t-");
        Assert.True(index >= 0, "the contract copy lost PodSandboxMetadata.attempt");
        mutated[index] = "field\truntime.v1.PodSandboxMetadata\t5\tattempt\tuint32\t-";

        var diff = ContractDiff.Describe(mutated, Compiled);

        Assert.Contains("- expected line " + (index + 1) + ": field runtime.v1.PodSandboxMetadata 5 attempt", diff);
        Assert.Contains("+ compiled line " + (index + 1) + ": field runtime.v1.PodSandboxMetadata 4 attempt", diff);
    }

    [Fact]
    public void ContractDiff_RecordsReordered_ReportsFirstDifference()
    {
        var swapped = Expected.ToArray();
        var first = Array.IndexOf(swapped, "field\truntime.v1.Mount\t1\tcontainer_path\tstring\t-");
        (swapped[first], swapped[first + 1]) = (swapped[first + 1], swapped[first]);

        var diff = ContractDiff.Describe(swapped, Compiled);

        Assert.Contains("different order", diff);
        Assert.Contains("line " + (first + 1), diff);
    }

    [Fact]
    public void GeneratedTypes_Namespace_IsFakeCrisOwn()
    {
        Assert.Equal("FakeCri.Cri.V1", typeof(RunPodSandboxRequest).Namespace);
        Assert.Equal("runtime.v1", ApiReflection.Descriptor.Package);
    }
}
