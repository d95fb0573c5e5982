using BenchmarkDotNet.Attributes;
using FakeCri.Images;

namespace FakeCri.Benchmarks.Benchmarks;

/// <summary>Docker reference normalisation (<see cref="ImageReference.Parse"/>) over the shapes kubelet sends.</summary>
[MemoryDiagnoser]
public class ImageReferenceBenchmarks
{
    [Params(
        "busybox",
        "nginx:1.27",
        "registry.k8s.io/pause:3.10.2",
        "localhost:5000/team/app:v1",
        "docker.io/library/busybox@sha256:2f9e1d8ea2eac4ef34b32b8f2bbd7a6a3bc7d1c1e7f2b3a4c5d6e7f8091a2b3c")]
    public string Reference { get; set; } = "busybox";

    [Benchmark]
    public ImageReference Parse() => ImageReference.Parse(Reference);
}
