using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using Converter = TokenConsole.Data.TokenConsoleDbContext.MillionthsConverter;

namespace TokenConsole.Features.Customers;

/// <summary>Filters of the notifications list; <see cref="AccountManagerId"/> is a stable user id ("my customers").</summary>
public sealed record NotificationQuery(
    int? CustomerId = null, int? Threshold = null, bool? Delivered = null, string? AccountManagerId = null, int Page = 0, int PageSize = 25);

/// <summary>Delivered to the webhook; waiting for (another) attempt; or waiting because no webhook is configured.</summary>
public enum DeliveryState { Delivered, Pending, NotConfigured }

/// <summary>A threshold notification with its customer, package and the delivery state of its outbox message.</summary>
public sealed record NotificationRow(
    long Id, DateTimeOffset CreatedAt, int CustomerId, string CustomerCode, string CustomerName, string CustomerNameZh, int SubscriptionId,
    string PackageCode, string PackageNameEn, string PackageNameZh, int Threshold, decimal Used, decimal Included, DateTimeOffset PeriodStart,
    DeliveryState Delivery, DateTimeOffset? DeliveredAt, int Attempts, string? LastError, DateTimeOffset? NextAttemptAt)
{
    public string CustomerDisplay(bool chinese) => chinese ? CustomerNameZh : CustomerName;
    public string PackageDisplay(bool chinese) => chinese ? PackageNameZh : PackageNameEn;
}

/// <summary>
/// Reads threshold notifications for the list and the customer page, newest first and paged in SQL. A notification's
/// outbox message is found by its idempotency key, <c>threshold:{subscriptionId}:{periodStart UTC ticks}:{threshold}</c>
/// (the shared design), which the unique index on the key answers.
/// </summary>
public sealed class NotificationListService(IDbContextFactory<TokenConsoleDbContext> dbFactory, IOptionsMonitor<NotificationOptions> options)
{
    // Raw SQL because the join is on a key built from the notification's columns (PeriodStart is stored as UTC ticks);
    // everything else (filters, order, paging) is composed on top by EF.
    private const string Sql = """
        SELECT n."Id", n."CreatedAt", n."CustomerId", c."Code" AS "CustomerCode", c."Name" AS "CustomerName", c."NameZh" AS "CustomerNameZh",
               c."AccountManagerId", n."SubscriptionId", p."Code" AS "PackageCode", COALESCE(v."NameEn", p."Code") AS "PackageNameEn",
               COALESCE(v."NameZh", p."Code") AS "PackageNameZh", n."Threshold", n."Used", n."Included", n."PeriodStart",
               o."Id" AS "OutboxId", o."DeliveredAt", COALESCE(o."Attempts", 0) AS "Attempts", o."LastError", o."NextAttemptAt"
        FROM "CustomerNotifications" n
        JOIN "Customers" c ON c."Id" = n."CustomerId"
        JOIN "Subscriptions" s ON s."Id" = n."SubscriptionId"
        JOIN "Packages" p ON p."Id" = s."PackageId"
        LEFT JOIN "PackageVersions" v ON v."Id" = s."PackageVersionId"
        LEFT JOIN "Outbox" o ON o."IdempotencyKey" = 'threshold:' || n."SubscriptionId" || ':' || n."PeriodStart" || ':' || n."Threshold"
        """;

    /// <summary>The outbox key of a threshold notification, as the usage writer writes it.</summary>
    public static string OutboxKey(int subscriptionId, DateTimeOffset periodStart, int threshold) =>
        FormattableString.Invariant($"threshold:{subscriptionId}:{periodStart.UtcTicks}:{threshold}");

    public async Task<(IReadOnlyList<NotificationRow> Rows, int Total)> ListAsync(NotificationQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = db.Database.SqlQueryRaw<RawRow>(Sql);
        if (query.CustomerId is { } customerId)
        {
            rows = rows.Where(r => r.CustomerId == customerId);
        }
        if (query.Threshold is { } threshold)
        {
            rows = rows.Where(r => r.Threshold == threshold);
        }
        if (query.Delivered is { } delivered)
        {
            rows = delivered ? rows.Where(r => r.DeliveredAt != null) : rows.Where(r => r.DeliveredAt == null);
        }
        if (!string.IsNullOrEmpty(query.AccountManagerId))
        {
            rows = rows.Where(r => r.AccountManagerId == query.AccountManagerId);
        }
        var total = await rows.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = await rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var configured = options.CurrentValue.IsConfigured;
        return ([.. page.Select(r => r.ToRow(configured))], total);
    }

    /// <summary>The columns as stored: instants as UTC ticks, token counts as millionths.</summary>
    private sealed class RawRow
    {
        public long Id { get; set; }
        public long CreatedAt { get; set; }
        public int CustomerId { get; set; }
        public string CustomerCode { get; set; } = "";
        public string CustomerName { get; set; } = "";
        public string CustomerNameZh { get; set; } = "";
        public string? AccountManagerId { get; set; }
        public int SubscriptionId { get; set; }
        public string PackageCode { get; set; } = "";
        public string PackageNameEn { get; set; } = "";
        public string PackageNameZh { get; set; } = "";
        public int Threshold { get; set; }
        public long Used { get; set; }
        public long Included { get; set; }
        public long PeriodStart { get; set; }
        public long? OutboxId { get; set; }
        public long? DeliveredAt { get; set; }
        public int Attempts { get; set; }
        public string? LastError { get; set; }
        public long? NextAttemptAt { get; set; }

        public NotificationRow ToRow(bool configured) => new(
            Id, At(CreatedAt), CustomerId, CustomerCode, CustomerName, CustomerNameZh, SubscriptionId, PackageCode, PackageNameEn, PackageNameZh,
            Threshold, Converter.FromMillionths(Used), Converter.FromMillionths(Included), At(PeriodStart),
            DeliveredAt is not null ? DeliveryState.Delivered : configured ? DeliveryState.Pending : DeliveryState.NotConfigured,
            DeliveredAt is { } delivered ? At(delivered) : null, Attempts, LastError, NextAttemptAt is { } next ? At(next) : null);

        private static DateTimeOffset At(long utcTicks) => new(utcTicks, TimeSpan.Zero);
    }
}
