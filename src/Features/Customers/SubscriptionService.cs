using System.Security.Claims;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;

namespace TokenConsole.Features.Customers;

/// <summary>How a subscription changes package: an upgrade at once (a new period from today), a downgrade at the end of the period.</summary>
public enum PackageChange { Upgrade, Downgrade }

/// <summary>
/// The subscription operations of account managers (and of the order API): each authorized, validated, audited and
/// refused with a message next to the field otherwise; a stale <c>version</c> is a conflict, never an overwrite.
/// The rules themselves are in <see cref="SubscriptionOperations"/>, which the order API runs in its own transaction
/// (with the remembered order) under the API key's system actor.
/// </summary>
public sealed class SubscriptionService(AuditedWriter writer, IReferenceDataEvents events)
{
    /// <summary>A new base subscription to the active version of <paramref name="packageId"/>, from <paramref name="startsAt"/> (default now).</summary>
    public Task<WriteResult<int>> SubscribeAsync(ClaimsPrincipal user, int customerId, int packageId, DateTimeOffset? startsAt, CancellationToken cancellationToken) =>
        RunAsync(user, Policies.ManageCustomers, w => SubscriptionOperations.SubscribeAsync(w, customerId, packageId, startsAt, cancellationToken), cancellationToken);

    /// <summary>
    /// An upgrade takes effect at once (the old term ends now, the new one counts its periods from today); a downgrade at
    /// the end of the current period, as a pending term that a later downgrade replaces and <see cref="UndoDowngradeAsync"/> removes.
    /// </summary>
    public Task<WriteResult<Done>> ChangePackageAsync(ClaimsPrincipal user, int subscriptionId, uint version, int packageId, PackageChange change, CancellationToken cancellationToken) =>
        RunAsync(user, Policies.ManageCustomers, w => SubscriptionOperations.ChangePackageAsync(w, subscriptionId, version, packageId, change, cancellationToken), cancellationToken);

    /// <summary>Takes back a pending downgrade before it takes effect: the current term runs on.</summary>
    public Task<WriteResult<Done>> UndoDowngradeAsync(ClaimsPrincipal user, int subscriptionId, uint version, CancellationToken cancellationToken) =>
        RunAsync(user, Policies.ManageCustomers, w => SubscriptionOperations.UndoDowngradeAsync(w, subscriptionId, version, cancellationToken), cancellationToken);

    public Task<WriteResult<Done>> SuspendAsync(ClaimsPrincipal user, int subscriptionId, uint version, string reason, CancellationToken cancellationToken) =>
        RunAsync(user, Policies.SuspendSubscriptions, w => SubscriptionOperations.SuspendAsync(w, subscriptionId, version, reason, cancellationToken), cancellationToken);

    public Task<WriteResult<Done>> ResumeAsync(ClaimsPrincipal user, int subscriptionId, uint version, CancellationToken cancellationToken) =>
        RunAsync(user, Policies.SuspendSubscriptions, w => SubscriptionOperations.ResumeAsync(w, subscriptionId, version, cancellationToken), cancellationToken);

    /// <summary>Cancels at the end of the current period; <see cref="UndoCancelAsync"/> takes it back before then.</summary>
    public Task<WriteResult<Done>> CancelAsync(ClaimsPrincipal user, int subscriptionId, uint version, CancellationToken cancellationToken) =>
        RunAsync(user, Policies.ManageCustomers, w => SubscriptionOperations.CancelAsync(w, subscriptionId, version, cancellationToken), cancellationToken);

    public Task<WriteResult<Done>> UndoCancelAsync(ClaimsPrincipal user, int subscriptionId, uint version, CancellationToken cancellationToken) =>
        RunAsync(user, Policies.ManageCustomers, w => SubscriptionOperations.UndoCancelAsync(w, subscriptionId, version, cancellationToken), cancellationToken);

    /// <summary>Sells a top-up pack on top of the base subscription; returns the top-up bucket's id.</summary>
    public Task<WriteResult<long>> BuyTopUpAsync(ClaimsPrincipal user, int subscriptionId, int topUpPackageId, CancellationToken cancellationToken) =>
        RunAsync(user, Policies.ManageCustomers, w => SubscriptionOperations.BuyTopUpAsync(w, subscriptionId, null, topUpPackageId, cancellationToken), cancellationToken);

    /// <summary>The same, refused as a conflict when the subscription changed since the person saw <paramref name="version"/>.</summary>
    public Task<WriteResult<long>> BuyTopUpAsync(ClaimsPrincipal user, int subscriptionId, uint version, int topUpPackageId, CancellationToken cancellationToken) =>
        RunAsync(user, Policies.ManageCustomers, w => SubscriptionOperations.BuyTopUpAsync(w, subscriptionId, version, topUpPackageId, cancellationToken), cancellationToken);

    private async Task<WriteResult<T>> RunAsync<T>(ClaimsPrincipal user, string policy, Func<WriteContext, Task<WriteResult<T>>> change, CancellationToken cancellationToken)
    {
        var result = await writer.WriteAsync(user, policy, change, cancellationToken);
        if (result.Succeeded)
        {
            // Ingestion holds who may send usage for which package (and who is suspended): it reloads now.
            await events.PublishAsync(ReferenceDataKind.Subscription);
        }
        return result;
    }
}
