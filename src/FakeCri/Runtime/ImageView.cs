namespace FakeCri.Runtime;

/// <summary>A read-only snapshot of one local image.</summary>
/// <param name="Id">The image ID, <c>sha256:</c> and 64 hex digits.</param>
/// <param name="RepoTags">Its tags, sorted.</param>
/// <param name="RepoDigests">Its digests, sorted.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Pinned">Pinned images (the sandbox image) are never garbage collected by kubelet.</param>
public sealed record ImageView(string Id, IReadOnlyList<string> RepoTags, IReadOnlyList<string> RepoDigests, ulong Size, bool Pinned);
