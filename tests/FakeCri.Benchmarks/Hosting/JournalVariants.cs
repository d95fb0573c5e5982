using FakeCri.Cri.V1;
using FakeCri.Faults.Internal;
using FakeCri.Hosting.Internal;
using FakeCri.Services.Internal;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>
/// Direct invokers over a running fake with parts of the pipeline left out, built as
/// <c>CriServiceRegistration.CreateDirectInvoker</c> builds the real one. FakeCri itself has no "journal off":
/// <see cref="FakeCriOptions.JournalCapacity"/> 1 still records every call (and keeps one). Leaving the
/// <c>JournalInterceptor</c> out is the true "off".
/// </summary>
public static class JournalVariants
{
    /// <summary>Status translation and faults, as the real door; no journal.</summary>
    public static CallInvoker WithoutJournal(FakeCriServer cri) => Build(cri, eventsOff: false);

    /// <summary>No journal, and the runtime's events suppressed (see <see cref="EventsOffInterceptor"/>).</summary>
    public static CallInvoker WithoutJournalOrEvents(FakeCriServer cri) => Build(cri, eventsOff: true);

    private static DirectCallInvoker Build(FakeCriServer cri, bool eventsOff)
    {
        List<Interceptor> interceptors =
        [
            new CriStatusInterceptor(NullLogger<CriStatusInterceptor>.Instance),
            new FaultInterceptor(cri.Faults, cri.Runtime),
        ];
        if (eventsOff)
        {
            interceptors.Add(new EventsOffInterceptor());
        }

        var binder = new DirectServiceBinder(interceptors);
        RuntimeService.BindService(binder, new RuntimeServiceAdapter(cri.Runtime));
        ImageService.BindService(binder, new ImageServiceAdapter(cri.Runtime));
        return new DirectCallInvoker(binder);
    }
}
