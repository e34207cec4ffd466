using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Data.Writes;

namespace TokenConsole.Features.Customers;

/// <summary><c>POST /api/v1/subscriptions</c>: a new base subscription.</summary>
public sealed record SubscribeOrder(string? ClientRequestId, string? CustomerCode, string? PackageCode, DateTimeOffset? StartsAt);

/// <summary><c>POST /api/v1/subscriptions/{id}/changes</c>: upgrade, downgrade, suspend, resume, cancel or topUp.</summary>
public sealed record ChangeOrder(string? ClientRequestId, string? Action, string? PackageCode, uint? Version, string? Reason);

/// <summary>The subscription after an order: what the order system needs to send the next change (its <see cref="Version"/>).</summary>
public sealed record OrderResponse(string ClientRequestId, int SubscriptionId, uint Version, string Status, string CustomerCode, string PackageCode,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, long? TopUpId);

/// <summary>
/// What the API answers: a status and a JSON body (an <see cref="OrderResponse"/>), or a problem with the field it is about.
/// <see cref="Replayed"/> says the answer is the stored first one of a retried order.
/// </summary>
public sealed record OrderAnswer(int StatusCode, string? Body, string? ProblemTitle = null, IReadOnlyDictionary<string, string[]>? Errors = null, bool Replayed = false);

/// <summary>
/// The order system's subscription orders. Each order is remembered by its client request id in the transaction of the
/// change it made (<see cref="OrderRequest"/>), so a retry gets the first answer and creates nothing, and the same id with
/// another body is refused. Refused orders change nothing and are not remembered: sent again they are judged again.
/// </summary>
public sealed class OrderService(IDbContextFactory<TokenConsoleDbContext> dbFactory, AuditedWriter writer, IReferenceDataEvents events)
{
    public const int MaxClientRequestIdLength = 64;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly IReadOnlyList<string> Actions = ["upgrade", "downgrade", "suspend", "resume", "cancel", "topUp"];

    public async Task<OrderAnswer> SubscribeAsync(Actor actor, SubscribeOrder order, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        CheckClientRequestId(order.ClientRequestId, errors);
        Require(order.CustomerCode, "customerCode", errors);
        Require(order.PackageCode, "packageCode", errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }
        var hash = Hash("subscribe", order);
        if (await StoredAsync(order.ClientRequestId!, hash, cancellationToken) is { } stored)
        {
            return stored;
        }
        int? customerId, packageId;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var customerCode = order.CustomerCode!.Trim();
            var packageCode = order.PackageCode!.Trim();
            customerId = await db.Customers.Where(c => c.Code == customerCode).Select(c => (int?)c.Id).FirstOrDefaultAsync(cancellationToken);
            packageId = await db.Packages.Where(p => p.Code == packageCode).Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken);
        }
        if (customerId is null)
        {
            errors["customerCode"] = ["Unknown customer code."];
        }
        if (packageId is null)
        {
            errors["packageCode"] = ["Unknown package code."];
        }
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }
        return await RunAsync(actor, order.ClientRequestId!, hash, StatusCodes.Status201Created, null,
            async w =>
            {
                var created = await SubscriptionOperations.SubscribeAsync(w, customerId!.Value, packageId!.Value, order.StartsAt, cancellationToken);
                return created.Succeeded ? (created.Value, (long?)null) : WriteResult.Refused<(int, long?)>(created.Refusal!);
            }, cancellationToken);
    }

    public async Task<OrderAnswer> ChangeAsync(Actor actor, int subscriptionId, ChangeOrder order, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        CheckClientRequestId(order.ClientRequestId, errors);
        var action = Actions.FirstOrDefault(a => string.Equals(a, order.Action?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (action is null)
        {
            errors["action"] = [$"The action is required: one of {string.Join(", ", Actions)}."];
        }
        if (order.Version is null)
        {
            errors["version"] = ["The version of the subscription as last seen is required (the version of the previous answer)."];
        }
        if (action is "upgrade" or "downgrade" or "topUp")
        {
            Require(order.PackageCode, "packageCode", errors);
        }
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }
        var hash = Hash($"change:{subscriptionId.ToString(CultureInfo.InvariantCulture)}", order);
        if (await StoredAsync(order.ClientRequestId!, hash, cancellationToken) is { } stored)
        {
            return stored;
        }
        int? packageId = null;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await db.Subscriptions.AnyAsync(s => s.Id == subscriptionId, cancellationToken))
            {
                return NotFound();
            }
            if (order.PackageCode is { } code && action is "upgrade" or "downgrade" or "topUp")
            {
                packageId = await db.Packages.Where(p => p.Code == code.Trim()).Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken);
                if (packageId is null)
                {
                    return Invalid(new Dictionary<string, string[]> { ["packageCode"] = ["Unknown package code."] });
                }
            }
        }
        var version = order.Version!.Value;
        return await RunAsync(actor, order.ClientRequestId!, hash, StatusCodes.Status200OK, subscriptionId, async w =>
        {
            if (action == "topUp")
            {
                var sold = await SubscriptionOperations.BuyTopUpAsync(w, subscriptionId, version, packageId!.Value, cancellationToken);
                return sold.Succeeded ? (subscriptionId, sold.Value) : WriteResult.Refused<(int, long?)>(sold.Refusal!);
            }
            var done = action switch
            {
                "upgrade" => await SubscriptionOperations.ChangePackageAsync(w, subscriptionId, version, packageId!.Value, PackageChange.Upgrade, cancellationToken),
                "downgrade" => await SubscriptionOperations.ChangePackageAsync(w, subscriptionId, version, packageId!.Value, PackageChange.Downgrade, cancellationToken),
                "suspend" => await SubscriptionOperations.SuspendAsync(w, subscriptionId, version, order.Reason, cancellationToken),
                "resume" => await SubscriptionOperations.ResumeAsync(w, subscriptionId, version, cancellationToken),
                _ => await SubscriptionOperations.CancelAsync(w, subscriptionId, version, cancellationToken),
            };
            return done.Succeeded ? (subscriptionId, (long?)null) : WriteResult.Refused<(int, long?)>(done.Refusal!);
        }, cancellationToken);
    }

    /// <summary>
    /// Runs the change and remembers the order with its answer in the same transaction. Two copies of one order sent at
    /// once: the second's insert of the order row fails on its key, nothing of it is saved, and it answers as a retry.
    /// </summary>
    private async Task<OrderAnswer> RunAsync(Actor actor, string clientRequestId, string hash, int status, int? subscriptionId,
        Func<WriteContext, Task<WriteResult<(int SubscriptionId, long? TopUpId)>>> change, CancellationToken cancellationToken)
    {
        var result = await writer.WriteAsSystemAsync<string>(actor, async w =>
        {
            var done = await change(w);
            if (!done.Succeeded)
            {
                return done.Refusal!;
            }
            await w.Db.SaveChangesAsync(cancellationToken);
            var s = await w.Db.Subscriptions.AsNoTracking().Include(x => x.Customer).FirstAsync(x => x.Id == done.Value.SubscriptionId, cancellationToken);
            var packageCode = await w.Db.Packages.Where(p => p.Id == s.PackageId).Select(p => p.Code).FirstAsync(cancellationToken);
            var body = JsonSerializer.Serialize(new OrderResponse(clientRequestId, s.Id, s.Version, s.Status.ToString(), s.Customer!.Code, packageCode,
                s.StartsAt, s.EndsAt, done.Value.TopUpId), Json);
            w.Db.OrderRequests.Add(new OrderRequest { ClientRequestId = clientRequestId, RequestHash = hash, StatusCode = status, Response = body, ReceivedAt = w.Now });
            return body;
        }, cancellationToken);
        if (result.Succeeded)
        {
            await events.PublishAsync(ReferenceDataKind.Subscription);
            return new OrderAnswer(status, result.Value);
        }
        // A copy of this order sent at the same time may have won: then this one is a retry (whatever it was refused for).
        if (await StoredAsync(clientRequestId, hash, cancellationToken) is { } stored)
        {
            return stored;
        }
        return Refused(result.Refusal!, subscriptionId);
    }

    private async Task<OrderAnswer?> StoredAsync(string clientRequestId, string hash, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.OrderRequests.AsNoTracking().FirstOrDefaultAsync(o => o.ClientRequestId == clientRequestId, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        return stored.RequestHash == hash
            ? new OrderAnswer(stored.StatusCode, stored.Response, Replayed: true)
            : new OrderAnswer(StatusCodes.Status409Conflict, null, "This clientRequestId was already used for another order",
                new Dictionary<string, string[]> { ["clientRequestId"] = ["This clientRequestId was used for an order with a different body. Use a new id for a new order."] });
    }

    /// <summary>A refusal as a problem: 404 for a subscription that is gone, 409 for a stale version, 400 with the field otherwise.</summary>
    private static OrderAnswer Refused(Refusal refusal, int? subscriptionId)
    {
        if (refusal.Code == SubscriptionOperations.GoneCode && subscriptionId is not null)
        {
            return NotFound();
        }
        var message = string.Format(CultureInfo.InvariantCulture, refusal.Code, refusal.Args);
        if (refusal.Conflict)
        {
            return new OrderAnswer(StatusCodes.Status409Conflict, null, "The subscription changed since that version",
                new Dictionary<string, string[]> { ["version"] = ["The subscription was changed after the version sent. Read its current version and decide again."] });
        }
        if (refusal.Code == Refusal.NotSavedCode)
        {
            return new OrderAnswer(StatusCodes.Status503ServiceUnavailable, null, "The order could not be saved",
                new Dictionary<string, string[]> { ["order"] = [message] });
        }
        var field = refusal.Field switch
        {
            "package" => "packageCode",
            "customer" => "customerCode",
            null => "action",
            var f => f,
        };
        return new OrderAnswer(StatusCodes.Status400BadRequest, null, "The order was refused", new Dictionary<string, string[]> { [field] = [message] });
    }

    private static OrderAnswer NotFound() => new(StatusCodes.Status404NotFound, null, "No such subscription",
        new Dictionary<string, string[]> { ["id"] = ["There is no subscription with this id."] });

    private static OrderAnswer Invalid(Dictionary<string, string[]> errors) => new(StatusCodes.Status400BadRequest, null, "The order is not valid", errors);

    private static void CheckClientRequestId(string? id, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors["clientRequestId"] = ["The clientRequestId is required: it makes a retried order safe."];
        }
        else if (id.Length > MaxClientRequestIdLength || !Usage.Ingestion.UsageValidator.IsPlainText(id))
        {
            errors["clientRequestId"] = [$"The clientRequestId is at most {MaxClientRequestIdLength} printable ASCII characters without spaces or markup."];
        }
    }

    private static void Require(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"{field} is required."];
        }
    }

    /// <summary>What makes two orders "the same": the endpoint (and subscription) and the whole body, normalized by re-serializing it.</summary>
    private static string Hash(string endpoint, object order) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(endpoint + "\n" + JsonSerializer.Serialize(order, order.GetType(), Json))));
}
