using Microsoft.Extensions.Caching.Memory;
using TokenConsole.Data;

namespace TokenConsole.Features.Compute;

/// <summary>
/// Drops the cached <see cref="ComputeAlerts"/> when a change that may raise or clear an alert is published (a model,
/// pool or deployment edited; a package activated or retired changes what is sold), so the app bar shows it at once
/// rather than after <see cref="ComputeAlerts.CacheFor"/>. <see cref="Changed"/> tells the open bells of this process to
/// read again: a pool set to maintenance shows in the bell of the person who did it without a page change.
/// </summary>
public sealed class ComputeAlertsInvalidation(IMemoryCache cache) : IReferenceDataSubscriber
{
    /// <summary>Raised after a change made in this process; not for the periodic reload, which would wake every bell each 30 s.</summary>
    public event Action? Changed;

    public Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken)
    {
        if (change.Concerns(ReferenceDataKind.Model, ReferenceDataKind.Pool, ReferenceDataKind.Deployment, ReferenceDataKind.Package, ReferenceDataKind.Subscription))
        {
            cache.Remove(ComputeAlerts.CacheKey);
            if (change.Kind != ReferenceDataKind.Everything)
            {
                Changed?.Invoke();
            }
        }
        return Task.CompletedTask;
    }
}
