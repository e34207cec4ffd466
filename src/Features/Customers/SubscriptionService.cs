using System.Security.Claims;
using TokenConsole.Data.Writes;

namespace TokenConsole.Features.Customers;

/// <summary>How a subscription changes package: an upgrade at once (a new period from today), a downgrade at the end of the period.</summary>
public enum PackageChange { Upgrade, Downgrade }

/// <summary>
/// The subscription operations of account managers (and of the order API): each authorized, validated, audited and
/// refused with a message next to the field otherwise; a stale <c>version</c> is a conflict, never an overwrite.
/// </summary>
public sealed class SubscriptionService(AuditedWriter writer)
{
    /// <summary>A new base subscription to the active version of <paramref name="packageId"/>, from <paramref name="startsAt"/> (default now).</summary>
    public Task<WriteResult<int>> SubscribeAsync(ClaimsPrincipal user, int customerId, int packageId, DateTimeOffset? startsAt, CancellationToken cancellationToken) =>
        throw new NotImplementedException(writer.ToString());

    public Task<WriteResult<Done>> ChangePackageAsync(ClaimsPrincipal user, int subscriptionId, uint version, int packageId, PackageChange change, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<WriteResult<Done>> SuspendAsync(ClaimsPrincipal user, int subscriptionId, uint version, string reason, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<WriteResult<Done>> ResumeAsync(ClaimsPrincipal user, int subscriptionId, uint version, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Cancels at the end of the current period; <see cref="UndoCancelAsync"/> takes it back before then.</summary>
    public Task<WriteResult<Done>> CancelAsync(ClaimsPrincipal user, int subscriptionId, uint version, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<WriteResult<Done>> UndoCancelAsync(ClaimsPrincipal user, int subscriptionId, uint version, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Sells a top-up pack on top of the base subscription; returns the top-up bucket's id.</summary>
    public Task<WriteResult<long>> BuyTopUpAsync(ClaimsPrincipal user, int subscriptionId, int topUpPackageId, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
