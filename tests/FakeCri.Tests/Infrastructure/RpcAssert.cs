using Grpc.Core;

namespace FakeCri.Tests.Infrastructure;

/// <summary>Asserts a call fails with a given gRPC status code and message.</summary>
public static class RpcAssert
{
    public static async Task<RpcException> FailsAsync(StatusCode code, Func<Task> call, string? message = null)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == error.StatusCode, $"expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        if (message is not null)
        {
            Assert.Equal(message, error.Status.Detail);
        }

        return error;
    }

    public static Task<RpcException> FailsAsync<T>(StatusCode code, AsyncUnaryCall<T> call, string? message = null) =>
        FailsAsync(code, () => call.ResponseAsync, message);
}
