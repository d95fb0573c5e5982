using Grpc.Core;

namespace FakeCri.Services.Internal;

/// <summary>
/// The Stream* RPCs: the same items as the matching List* call, in messages of up to <see cref="BatchSize"/>
/// items (containerd's figure), each item once, and no message at all for an empty result.
/// </summary>
internal static class StreamBatches
{
    public const int BatchSize = 5000;

    public static async Task WriteAsync<TItem, TResponse>(
        IReadOnlyList<TItem> items,
        Func<IEnumerable<TItem>, TResponse> makeResponse,
        IServerStreamWriter<TResponse> stream,
        CancellationToken cancellationToken)
    {
        for (var start = 0; start < items.Count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(BatchSize, items.Count - start);
            await stream.WriteAsync(makeResponse(Slice(items, start, count)), cancellationToken).ConfigureAwait(false);
        }
    }

    private static IEnumerable<TItem> Slice<TItem>(IReadOnlyList<TItem> items, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            yield return items[i];
        }
    }
}
