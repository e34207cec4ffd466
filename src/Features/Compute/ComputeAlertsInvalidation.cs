using Microsoft.Extensions.Caching.Memory;
using TokenConsole.Data;

namespace TokenConsole.Features.Compute;

/// <summary>
/// Drops the cached <see cref="ComputeAlerts"/> when a change that may raise or clear an alert is published (a model,
/// pool or deployment edited; a package activated or retired changes what is sold), so the app bar shows it at once
/// rather than after <see cref="ComputeAlerts.CacheFor"/>.
/// </summary>
public sealed class ComputeAlertsInvalidation(IMemoryCache cache) : IReferenceDataSubscriber
{
    public Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken)
    {
        if (change.Concerns(ReferenceDataKind.Model, ReferenceDataKind.Pool, ReferenceDataKind.Deployment, ReferenceDataKind.Package, ReferenceDataKind.Subscription))
        {
            cache.Remove(ComputeAlerts.CacheKey);
        }
        return Task.CompletedTask;
    }
}
