using System.Formats.Tar;
using System.Text;
using FakeCri.Cri.V1;
using Google.Protobuf;

namespace FakeCri.Runtime;

public sealed partial class EmulatedRuntime
{
    /// <summary>
    /// CRI <c>CheckpointContainer</c>: writes a tar archive at <c>location</c> holding the container's config
    /// (<c>config.json</c>, <c>spec.dump</c> style) and its emulated file system under <c>rootfs/</c>. RUNNING
    /// containers only; the container keeps running.
    /// </summary>
    public CheckpointContainerResponse CheckpointContainer(CheckpointContainerRequest request)
    {
        if (string.IsNullOrEmpty(request.Location))
        {
            throw CriException.InvalidArgument("location must not be empty: the path of the checkpoint archive to write");
        }

        string config;
        IReadOnlyList<(string Path, string? Content)> files;
        string id;
        lock (_gate)
        {
            var container = FindContainer(request.ContainerId, FindContainerContext, notFoundIsNull: false)!;
            if (container.State != ContainerState.ContainerRunning)
            {
                throw CriException.Unknown(
                    $"container \"{container.Id}\" is in {StateName(container.State)} state. only CONTAINER_RUNNING containers can be checkpointed");
            }

            id = container.Id;
            config = JsonFormatter.Default.Format(container.Config.ToMessage());
            files = container.Context.FileSystem.Snapshot();
        }

        // Archive I/O happens outside the lock.
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(request.Location));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            using var stream = File.Create(request.Location);
            using var tar = new TarWriter(stream, TarEntryFormat.Pax);
            var modified = _clock.GetUtcNow();
            tar.WriteEntry(Entry("config.json", Encoding.UTF8.GetBytes(config), modified));
            tar.WriteEntry(Entry("checkpoint/container-id", Encoding.UTF8.GetBytes(id), modified));
            foreach (var (path, content) in files)
            {
                if (path == "/")
                {
                    continue;
                }

                tar.WriteEntry(content is null
                    ? new PaxTarEntry(TarEntryType.Directory, "rootfs" + path + "/") { ModificationTime = modified }
                    : Entry("rootfs" + path, Encoding.UTF8.GetBytes(content), modified));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw CriException.Unknown($"failed to checkpoint container \"{id}\": {exception.Message}");
        }

        return new CheckpointContainerResponse();
    }

    private static PaxTarEntry Entry(string name, byte[] content, DateTimeOffset modified) => new(TarEntryType.RegularFile, name)
    {
        DataStream = new MemoryStream(content),
        ModificationTime = modified,
    };
}
