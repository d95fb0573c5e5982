using System.Text.Json;
using FakeCri.Cri.V1;

namespace FakeCri.Runtime;

/// <summary>
/// The emulated container runtime: the CRI state machine behind both services. It knows nothing of gRPC
/// hosting; the adapters in <c>FakeCri.Grpc</c> call it with the request messages and return what it returns.
/// Failures are <see cref="CriException"/>s carrying the status a real runtime would return.
/// </summary>
public sealed class EmulatedRuntime
{
    /// <summary>The condition type kubelet requires to be true before it starts pods.</summary>
    public const string RuntimeReadyCondition = "RuntimeReady";

    /// <summary>The condition type kubelet requires to be true before it starts non-host-network pods.</summary>
    public const string NetworkReadyCondition = "NetworkReady";

    private readonly Lock _configLock = new();
    private readonly FakeCriOptions _options;
    private string _podCidr = string.Empty;

    /// <summary>Creates an empty runtime configured by <paramref name="options"/>.</summary>
    public EmulatedRuntime(FakeCriOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The clock behind every timestamp the runtime reports.</summary>
    public TimeProvider Clock => _options.TimeProvider;

    /// <summary>The pod CIDR kubelet last sent through <c>UpdateRuntimeConfig</c>; empty until then.</summary>
    public string PodCidr
    {
        get
        {
            lock (_configLock)
            {
                return _podCidr;
            }
        }
    }

    /// <summary>CRI <c>Version</c>: the names and versions of the runtime and the API.</summary>
    public VersionResponse Version(VersionRequest request) => new()
    {
        Version = RuntimeIdentity.KubeletApiVersion,
        RuntimeName = RuntimeIdentity.RuntimeName,
        RuntimeVersion = RuntimeIdentity.RuntimeVersion,
        RuntimeApiVersion = RuntimeIdentity.RuntimeApiVersion,
    };

    /// <summary>
    /// CRI <c>Status</c>: RuntimeReady and NetworkReady conditions, the runtime handlers (<c>""</c> plus the
    /// configured ones, sorted by name, as containerd lists them) and the runtime's features.
    /// </summary>
    public StatusResponse Status(StatusRequest request)
    {
        var response = new StatusResponse
        {
            Status = new RuntimeStatus
            {
                Conditions =
                {
                    new RuntimeCondition { Type = RuntimeReadyCondition, Status = true },
                    new RuntimeCondition { Type = NetworkReadyCondition, Status = true },
                },
            },
            Features = new RuntimeFeatures { SupplementalGroupsPolicy = true, UserNamespacesHostNetwork = true },
        };

        foreach (var name in HandlerNames())
        {
            response.RuntimeHandlers.Add(new RuntimeHandler
            {
                Name = name,
                Features = new RuntimeHandlerFeatures { RecursiveReadOnlyMounts = true, UserNamespaces = true },
            });
        }

        if (request.Verbose)
        {
            response.Info.Add("config", DescribeConfig());
        }

        return response;
    }

    /// <summary>CRI <c>RuntimeConfig</c>: the cgroup driver kubelet must match.</summary>
    public RuntimeConfigResponse RuntimeConfig(RuntimeConfigRequest request) => new()
    {
        Linux = new LinuxRuntimeConfiguration { CgroupDriver = _options.CgroupDriver },
    };

    /// <summary>
    /// CRI <c>UpdateRuntimeConfig</c>: kubelet hands over the node's pod CIDR. Stored and reported in the
    /// verbose status; an empty CIDR is a no-op, as in containerd.
    /// </summary>
    public UpdateRuntimeConfigResponse UpdateRuntimeConfig(UpdateRuntimeConfigRequest request)
    {
        var cidr = request.RuntimeConfig?.NetworkConfig?.PodCidr;
        if (!string.IsNullOrEmpty(cidr))
        {
            lock (_configLock)
            {
                _podCidr = cidr;
            }
        }

        return new UpdateRuntimeConfigResponse();
    }

    private IEnumerable<string> HandlerNames() =>
        _options.RuntimeHandlers.Prepend(string.Empty).Order(StringComparer.Ordinal);

    private string DescribeConfig()
    {
        var config = new Dictionary<string, object>
        {
            ["runtimeName"] = RuntimeIdentity.RuntimeName,
            ["runtimeVersion"] = RuntimeIdentity.RuntimeVersion,
            ["runtimeHandlers"] = HandlerNames().ToArray(),
            ["cgroupDriver"] = _options.CgroupDriver.ToString().ToLowerInvariant(),
            ["podCidr"] = PodCidr,
        };
        return JsonSerializer.Serialize(config);
    }
}
