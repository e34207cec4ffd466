using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Data.Common;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Pricing;
using static TokenConsole.Data.TokenConsoleDbContext;

namespace TokenConsole.Features.Usage.Ingestion;

internal sealed partial class BucketLedger
{
    private string? _fingerprint;
    private bool _checkFingerprint;

    /// <summary>
    /// The periodic "everything" safety net: reload only when the subscriptions, their terms or the top-ups sold differ
    /// from what was loaded (a full reload every 30 s for nothing would stall the writer at scale).
    /// </summary>
    public void CheckForChanges() => Volatile.Write(ref _checkFingerprint, true);

    /// <summary>Reloads when asked to or when the safety net finds a change; before a transaction, on the writer thread.</summary>
    public void ReloadIfNeeded(DbConnection connection, long nowTicks, int windowDays, PriceBook book)
    {
        if (!NeedsReload && Volatile.Read(ref _checkFingerprint))
        {
            Volatile.Write(ref _checkFingerprint, false);
            if (Fingerprint(connection) != _fingerprint)
            {
                Stale = true;
            }
        }
        if (NeedsReload)
        {
            Load(connection, nowTicks, windowDays, book);
        }
    }

    /// <summary>
    /// Loads the subscriptions usage may draw for (active and suspended; per customer and package the active, latest one),
    /// their terms, and the buckets an event of the accepted window can still reach. A subscription upgraded to another
    /// package is found under the earlier package too (through its terms' versions): late usage of the old package still
    /// draws on its buckets.
    /// </summary>
    public void Load(DbConnection connection, long nowTicks, int windowDays, PriceBook book)
    {
        Volatile.Write(ref _invalidated, false);
        _holdings.Clear();
        _dirty.Clear();
        var since = nowTicks - TimeSpan.FromDays(windowDays + 1).Ticks;
        var fingerprint = Fingerprint(connection);
        var bySubscription = new Dictionary<int, (int Customer, int Package, int Version, string CustomerCode, string PackageCode)>();
        var chosen = new Dictionary<long, int>();
        using (var command = connection.CreateCommand())
        {
            // Active after suspended, the latest last: the last row of a customer and package wins.
            command.CommandText = """
                SELECT s."Id", s."CustomerId", s."PackageId", s."PackageVersionId", c."Code", p."Code" FROM "Subscriptions" s
                JOIN "Customers" c ON c."Id" = s."CustomerId" JOIN "Packages" p ON p."Id" = s."PackageId"
                WHERE s."Status" IN ('Active', 'Suspended') ORDER BY s."Status" = 'Active', s."StartsAt", s."Id"
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt32(0);
                bySubscription[id] = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4), reader.GetString(5));
                chosen[Key(reader.GetInt32(1), reader.GetInt32(2))] = id;
            }
        }
        var terms = new Dictionary<int, List<SubscriptionTerm>>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """SELECT "Id", "SubscriptionId", "PackageVersionId", "From", "To", "Anchor" FROM "SubscriptionTerms" ORDER BY "SubscriptionId", "From" """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var subscription = reader.GetInt32(1);
                if (!bySubscription.ContainsKey(subscription))
                {
                    continue;
                }
                if (!terms.TryGetValue(subscription, out var list))
                {
                    terms[subscription] = list = [];
                }
                list.Add(new SubscriptionTerm
                {
                    Id = reader.GetInt32(0), SubscriptionId = subscription, PackageVersionId = reader.GetInt32(2),
                    From = new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                    To = reader.IsDBNull(4) ? null : new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
                    Anchor = new DateTime(reader.GetInt64(5), DateTimeKind.Utc),
                });
            }
        }
        var holdingOf = new Dictionary<int, Holding>();
        foreach (var (key, id) in chosen)
        {
            var s = bySubscription[id];
            var holding = new Holding
            {
                SubscriptionId = id, CustomerId = s.Customer, PackageId = s.Package, PackageVersionId = s.Version,
                CustomerCode = s.CustomerCode, PackageCode = s.PackageCode, Terms = terms.TryGetValue(id, out var list) ? [.. list] : [],
            };
            _holdings[key] = holding;
            holdingOf[id] = holding;
        }
        foreach (var holding in holdingOf.Values)
        {
            foreach (var term in holding.Terms)
            {
                if (book.Versions.TryGetValue(term.PackageVersionId, out var version))
                {
                    _holdings.TryAdd(Key(holding.CustomerId, version.PackageId), holding);
                }
            }
        }
        var topUps = new Dictionary<int, List<(long Id, Bucket Bucket)>>();
        var minPeriod = long.MaxValue;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """SELECT "Id", "SubscriptionId", "Kind", "PeriodStart", "ValidFrom", "ValidTo", "Included", "Used" FROM "AllowanceBuckets" WHERE "ValidTo" > @since ORDER BY "Id" """;
            AddParameter(command, "@since", since);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (!holdingOf.TryGetValue(reader.GetInt32(1), out var holding))
                {
                    continue;
                }
                var bucket = new Bucket
                {
                    Id = reader.GetInt64(0), ValidFrom = reader.GetInt64(4), ValidTo = reader.GetInt64(5),
                    Included = MillionthsConverter.FromMillionths(reader.GetInt64(6)), Used = MillionthsConverter.FromMillionths(reader.GetInt64(7)),
                };
                var kind = reader.GetString(2);
                var start = reader.GetInt64(3);
                if (kind == nameof(BucketKind.TopUp))
                {
                    if (!topUps.TryGetValue(holding.SubscriptionId, out var list))
                    {
                        topUps[holding.SubscriptionId] = list = [];
                    }
                    list.Add((bucket.Id, bucket));
                    continue;
                }
                var period = holding.Periods.Find(p => p.Start == start);
                if (kind == nameof(BucketKind.Allowance) && period is null)
                {
                    holding.Periods.Add(new Period { Start = start, End = bucket.ValidTo, Allowance = bucket });
                    minPeriod = Math.Min(minPeriod, start);
                }
                else if (kind == nameof(BucketKind.Rollover) && period is not null)
                {
                    // Opened after its allowance (ORDER BY Id), in the same transaction.
                    period.Rollover = bucket;
                }
            }
        }
        foreach (var (subscription, list) in topUps)
        {
            holdingOf[subscription].TopUps = [.. list.OrderBy(t => t.Bucket.ValidTo).ThenBy(t => t.Id).Select(t => t.Bucket)];
        }
        if (minPeriod != long.MaxValue)
        {
            using var command = connection.CreateCommand();
            command.CommandText = """SELECT "SubscriptionId", "PeriodStart", "Threshold" FROM "CustomerNotifications" WHERE "PeriodStart" >= @from""";
            AddParameter(command, "@from", minPeriod);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (holdingOf.TryGetValue(reader.GetInt32(0), out var holding) && holding.Periods.Find(p => p.Start == reader.GetInt64(1)) is { } period)
                {
                    Mark(period, reader.GetInt32(2));
                }
            }
        }
        _fingerprint = fingerprint;
        Stale = false;
    }

    /// <summary>
    /// What changes when a subscription, its terms or its top-ups change, wherever the change was made (the subscription
    /// operations bump the subscription's version; terms are added or end; top-ups are sold). Allowance rows, which the
    /// writer itself opens, are left out.
    /// </summary>
    private static string Fingerprint(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) || ':' || COALESCE(SUM("Version"), 0) || ':' || COALESCE(MAX("Id"), 0) FROM "Subscriptions") || '/' ||
                   (SELECT COUNT(*) || ':' || COALESCE(MAX("Id"), 0) || ':' || COALESCE(SUM(COALESCE("To", 0) % 1000000007), 0) FROM "SubscriptionTerms") || '/' ||
                   (SELECT COUNT(*) || ':' || COALESCE(MAX("Id"), 0) FROM "AllowanceBuckets" WHERE "Kind" = 'TopUp')
            """;
        return (string)command.ExecuteScalar()!;
    }

    private static void Mark(Period period, int threshold)
    {
        if (threshold == (int)NotificationThreshold.Percent80)
        {
            period.Notified80 = true;
        }
        else if (threshold == (int)NotificationThreshold.Percent100)
        {
            period.Notified100 = true;
        }
    }

    /// <summary>The period of the term in force at <paramref name="at"/>, opened if it is not in memory; null outside every period.</summary>
    private Period? Resolve(Holding holding, DateTimeOffset at, PriceBook book)
    {
        if (SubscriptionTerms.At(holding.Terms, at) is not { } term || book.Version(holding.PackageId, term.PackageVersionId) is not { } version)
        {
            return null;
        }
        if (BillingCycle.PeriodContaining(version.BillingPeriod, version.ValidityDays, term.Anchor, at.UtcDateTime) is not { } span)
        {
            return null;
        }
        var from = Math.Max(span.Start.Ticks, term.From.UtcTicks);
        var to = Math.Min(span.End.Ticks, term.To?.UtcTicks ?? long.MaxValue);
        var period = holding.Periods.Find(p => p.Start == span.Start.Ticks) ?? Open(holding, term, version, span, from, to, book);
        if (term.From.UtcTicks > period.Allowance.ValidFrom && period.Allowance.Included != version.IncludedTokens)
        {
            Adopt(period, version.IncludedTokens, to);
        }
        period.VersionId = version.VersionId;
        period.WhenExhausted = version.WhenExhausted;
        holding.Last = period;
        holding.LastFrom = from;
        holding.LastTo = to;
        return period;
    }

    /// <summary>
    /// A period's first usage (since the ledger was loaded): its allowance row, and its rollover when the package rolls
    /// over — <see cref="AllowanceRules.Rollover"/> of the previous period's allowance row, or of that period's full
    /// allowance when it had no usage (no row) and belonged to the same term. Both in the writer's transaction.
    /// </summary>
    private Period Open(Holding holding, SubscriptionTerm term, PriceBook.PackagePrices version, BillingPeriodSpan span, long from, long to, PriceBook book)
    {
        var allowance = OpenBucket(holding, BucketKind.Allowance, span.Start.Ticks, from, to, version.IncludedTokens);
        var period = new Period { Start = span.Start.Ticks, End = to, Allowance = allowance };
        if (version.RolloverPercent > 0 && BillingCycle.Previous(version.BillingPeriod, version.ValidityDays, term.Anchor, span) is { } previous)
        {
            (decimal Included, decimal Used)? before = holding.Periods.Find(p => p.Start == previous.Start.Ticks) is { } known
                ? (known.Allowance.Included, known.Allowance.Used)
                : ReadAllowance(holding.SubscriptionId, previous.Start.Ticks);
            if (before is null && SubscriptionTerms.At(holding.Terms, new DateTimeOffset(previous.End.AddTicks(-1), TimeSpan.Zero)) is { } then
                && then.Id == term.Id && book.Version(holding.PackageId, then.PackageVersionId) is { } thenVersion)
            {
                before = (thenVersion.IncludedTokens, 0m);
            }
            if (before is { } b)
            {
                var carried = AllowanceRules.Rollover(new PackageVersion
                {
                    NameEn = "", NameZh = "", IncludedTokens = version.IncludedTokens, RolloverPercent = version.RolloverPercent,
                }, b.Included, b.Used);
                if (carried > 0)
                {
                    period.Rollover = OpenBucket(holding, BucketKind.Rollover, span.Start.Ticks, from, to, carried);
                }
            }
        }
        var notified = _commands!.SelectNotifications;
        notified.Parameters[0].Value = holding.SubscriptionId;
        notified.Parameters[1].Value = span.Start.Ticks;
        using (var reader = notified.ExecuteReader())
        {
            while (reader.Read())
            {
                Mark(period, reader.GetInt32(0));
            }
        }
        holding.Periods.Add(period);
        return period;
    }

    private Bucket OpenBucket(Holding holding, BucketKind kind, long periodStart, long from, long to, decimal included)
    {
        var insert = _commands!.InsertBucket;
        insert.Parameters[0].Value = holding.SubscriptionId;
        insert.Parameters[1].Value = holding.CustomerId;
        insert.Parameters[2].Value = kind.ToString();
        insert.Parameters[3].Value = periodStart;
        insert.Parameters[4].Value = from;
        insert.Parameters[5].Value = to;
        insert.Parameters[6].Value = MillionthsConverter.ToMillionths(included);
        insert.ExecuteNonQuery();
        // The row is ours or was opened before (by an earlier run of the writer): either way it is read back as stored.
        var select = _commands.SelectBucket;
        select.Parameters[0].Value = holding.SubscriptionId;
        select.Parameters[1].Value = kind.ToString();
        select.Parameters[2].Value = periodStart;
        using var reader = select.ExecuteReader();
        reader.Read();
        return new Bucket
        {
            Id = reader.GetInt64(0), ValidFrom = reader.GetInt64(1), ValidTo = reader.GetInt64(2),
            Included = MillionthsConverter.FromMillionths(reader.GetInt64(3)), Used = MillionthsConverter.FromMillionths(reader.GetInt64(4)),
        };
    }

    /// <summary>
    /// An upgrade on the anniversary day starts the new term's first period on the same Beijing midnight as the period it
    /// ends, so both have the one allowance row (unique per period start). The day is charged on the new package
    /// (<see cref="SubscriptionTerms.ChargedOn"/>), so the row becomes the new version's allowance, keeping what was used.
    /// </summary>
    private void Adopt(Period period, decimal included, long validTo)
    {
        var update = _commands!.AdoptAllowance;
        update.Parameters[0].Value = MillionthsConverter.ToMillionths(included);
        update.Parameters[1].Value = validTo;
        update.Parameters[2].Value = period.Allowance.Id;
        update.ExecuteNonQuery();
        period.Allowance.Included = included;
        period.End = validTo;
    }

    private (decimal Included, decimal Used)? ReadAllowance(int subscriptionId, long periodStart)
    {
        var select = _commands!.SelectBucket;
        select.Parameters[0].Value = subscriptionId;
        select.Parameters[1].Value = nameof(BucketKind.Allowance);
        select.Parameters[2].Value = periodStart;
        using var reader = select.ExecuteReader();
        return reader.Read() ? (MillionthsConverter.FromMillionths(reader.GetInt64(3)), MillionthsConverter.FromMillionths(reader.GetInt64(4))) : null;
    }

    /// <summary>The 80 % and 100 % notifications of the period's allowance (allowance + rollover), each once per period.</summary>
    private void Notify(Holding holding, Period period)
    {
        if (period.Notified100)
        {
            return;
        }
        var percent = AllowanceRules.UsedPercent(period.Included, period.Used);
        if (!period.Notified80 && percent >= (int)NotificationThreshold.Percent80)
        {
            WriteNotification(holding, period, NotificationThreshold.Percent80);
            period.Notified80 = true;
        }
        if (percent >= (int)NotificationThreshold.Percent100)
        {
            WriteNotification(holding, period, NotificationThreshold.Percent100);
            period.Notified100 = true;
        }
    }

    /// <summary>The notification and its outbox message, unique per subscription, period and threshold: a retry writes neither again.</summary>
    private void WriteNotification(Holding holding, Period period, NotificationThreshold threshold)
    {
        var included = period.Included;
        var used = period.Used;
        var insert = _commands!.InsertNotification;
        insert.Parameters[0].Value = holding.CustomerId;
        insert.Parameters[1].Value = holding.SubscriptionId;
        insert.Parameters[2].Value = period.Start;
        insert.Parameters[3].Value = (int)threshold;
        insert.Parameters[4].Value = MillionthsConverter.ToMillionths(included);
        insert.Parameters[5].Value = MillionthsConverter.ToMillionths(used);
        insert.Parameters[6].Value = _now;
        if (insert.ExecuteNonQuery() == 0)
        {
            return;
        }
        var outbox = _commands.InsertOutbox;
        outbox.Parameters[0].Value = string.Create(CultureInfo.InvariantCulture, $"threshold:{holding.SubscriptionId}:{period.Start}:{(int)threshold}");
        outbox.Parameters[1].Value = Payload(holding, period, threshold, included, used, _now);
        outbox.Parameters[2].Value = _now;
        outbox.ExecuteNonQuery();
    }

    /// <summary>What the webhook receives (the operator's SMS gateway writes the text from it).</summary>
    internal static string Payload(Holding holding, Period period, NotificationThreshold threshold, decimal included, decimal used, long nowTicks)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("customerCode", holding.CustomerCode);
            json.WriteNumber("subscriptionId", holding.SubscriptionId);
            json.WriteString("packageCode", holding.PackageCode);
            json.WriteNumber("threshold", (int)threshold);
            json.WriteNumber("included", included);
            json.WriteNumber("used", used);
            json.WriteString("periodStart", new DateTimeOffset(period.Start, TimeSpan.Zero));
            json.WriteString("periodEnd", new DateTimeOffset(period.End, TimeSpan.Zero));
            json.WriteString("createdAt", new DateTimeOffset(nowTicks, TimeSpan.Zero));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>The ledger's statements, prepared once per connection; none runs per event, only per period or notification (the per-bucket UPDATE is the writer's, see Flush).</summary>
    private sealed class Commands : IDisposable
    {
        public Commands(DbConnection connection)
        {
            InsertBucket = Create(connection, """
                INSERT INTO "AllowanceBuckets" ("SubscriptionId", "CustomerId", "Kind", "PeriodStart", "ValidFrom", "ValidTo", "Included", "Used")
                VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, 0)
                ON CONFLICT ("SubscriptionId", "Kind", "PeriodStart") DO NOTHING
                """, 7);
            SelectBucket = Create(connection, """SELECT "Id", "ValidFrom", "ValidTo", "Included", "Used" FROM "AllowanceBuckets" WHERE "SubscriptionId" = @p1 AND "Kind" = @p2 AND "PeriodStart" = @p3""", 3);
            SelectNotifications = Create(connection, """SELECT "Threshold" FROM "CustomerNotifications" WHERE "SubscriptionId" = @p1 AND "PeriodStart" = @p2""", 2);
            AdoptAllowance = Create(connection, """UPDATE "AllowanceBuckets" SET "Included" = @p1, "ValidTo" = @p2 WHERE "Id" = @p3""", 3);
            InsertNotification = Create(connection, """
                INSERT INTO "CustomerNotifications" ("CustomerId", "SubscriptionId", "PeriodStart", "Threshold", "Included", "Used", "CreatedAt")
                VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7)
                ON CONFLICT ("SubscriptionId", "PeriodStart", "Threshold") DO NOTHING
                """, 7);
            InsertOutbox = Create(connection, """
                INSERT INTO "Outbox" ("Kind", "IdempotencyKey", "Payload", "CreatedAt", "Attempts", "NextAttemptAt")
                VALUES ('threshold', @p1, @p2, @p3, 0, @p3)
                ON CONFLICT ("IdempotencyKey") DO NOTHING
                """, 3);
        }

        public DbCommand InsertBucket { get; }
        public DbCommand SelectBucket { get; }
        public DbCommand SelectNotifications { get; }
        public DbCommand AdoptAllowance { get; }
        public DbCommand InsertNotification { get; }
        public DbCommand InsertOutbox { get; }

        private IEnumerable<DbCommand> All => [InsertBucket, SelectBucket, SelectNotifications, AdoptAllowance, InsertNotification, InsertOutbox];

        public void Enlist(DbTransaction transaction)
        {
            foreach (var command in All)
            {
                command.Transaction = transaction;
            }
        }

        public void Dispose()
        {
            foreach (var command in All)
            {
                command.Dispose();
            }
        }

        private static DbCommand Create(DbConnection connection, string sql, int parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 1; i <= parameters; i++)
            {
                AddParameter(command, $"@p{i}", null);
            }
            return command;
        }
    }

    /// <summary>A named parameter, as both providers take it (<c>@name</c> in the SQL).</summary>
    private static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
