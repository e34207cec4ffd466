using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Customers;

/// <summary>
/// Finds customers by a fragment of their code, name or Chinese name, and by how much of their period's allowance they
/// used, as id sets the customer list composes with its other filters. The SQL is the provider's own (SQLite's FTS5,
/// PostgreSQL's pg_trgm), so it lives behind this interface, one implementation per provider.
/// </summary>
public interface ICustomerSearch
{
    /// <summary>
    /// At most this many matches are taken: a fragment matching more asks the person to narrow it. The list's cost follows
    /// this bound (the ids read, the count, the sort by code), not the number of matches, so it stays small: at 1,000,000
    /// customers a two-letter fragment matches tens of thousands, which nobody pages through.
    /// </summary>
    const int MaxMatches = 1_000;

    /// <summary>
    /// Ids of customers whose code, name or Chinese name contains <paramref name="fragment"/> (Latin letters in any case), at
    /// most <see cref="MaxMatches"/> + 1 (the one more tells there are more), the first ones in the index's order (by id), so
    /// the same fragment takes the same set on every page.
    /// </summary>
    IQueryable<int> Matching(TokenConsoleDbContext db, string fragment);

    /// <summary>Ids of customers with a subscription whose current period's allowance (allowance + rollover buckets) is at least <paramref name="percent"/> % used.</summary>
    IQueryable<int> AllowanceUsedAtLeast(TokenConsoleDbContext db, DateTimeOffset now, int percent);
}

/// <summary>
/// SQLite: an FTS5 table with the trigram tokenizer (<c>CustomerSearch</c>, kept in step with <c>Customers</c> by triggers
/// made in the CustomersUiAdditions migration) answers fragments of three characters or more from its index — substring
/// matches, Chinese included, case-insensitive for Latin letters (https://sqlite.org/fts5.html#the_trigram_tokenizer).
/// Shorter fragments have no trigram: they match the start of the code, the name or the Chinese name through B-tree
/// indexes (the name's is NOCASE), as a plain <c>LIKE '%x%'</c> would read all rows.
/// </summary>
public sealed class SqliteCustomerSearch : ICustomerSearch
{
    // The greatest code point: a prefix range [p, p + this) holds every string that starts with p.
    private const string Highest = "\U0010FFFF";

    public IQueryable<int> Matching(TokenConsoleDbContext db, string fragment)
    {
        ArgumentNullException.ThrowIfNull(db);
        fragment = (fragment ?? "").Trim();
        var limit = ICustomerSearch.MaxMatches + 1;
        if (fragment.EnumerateRunes().Count() >= 3)
        {
            // One FTS5 phrase: the fragment's characters in order, quotes doubled so nothing in it is query syntax.
            var phrase = "\"" + fragment.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            // FTS5 yields matches by rowid (the customer's id) as it reads the index, so the LIMIT stops the read early.
            return db.Database.SqlQuery<int>($"SELECT rowid AS Value FROM CustomerSearch WHERE CustomerSearch MATCH {phrase} LIMIT {limit}");
        }
        var code = CustomerForm.NormalizeCode(fragment);
        // A LIMIT inside each branch: each reads at most that many entries of its index, where a LIMIT on the UNION alone
        // would first gather every match of all three (62,500 customers start with 北京 in the benchmark's million). When a
        // branch is cut, the union holds more than MaxMatches anyway, and the ORDER BY keeps the set the same on every page.
        return db.Database.SqlQuery<int>($"""
            SELECT Value FROM (
                SELECT Value FROM (SELECT Id AS Value FROM Customers WHERE Code >= {code} AND Code < {code + Highest} LIMIT {limit})
                UNION SELECT Value FROM (SELECT Id AS Value FROM Customers WHERE Name COLLATE NOCASE >= {fragment} AND Name COLLATE NOCASE < {fragment + Highest} LIMIT {limit})
                UNION SELECT Value FROM (SELECT Id AS Value FROM Customers WHERE NameZh >= {fragment} AND NameZh < {fragment + Highest} LIMIT {limit}))
            ORDER BY Value LIMIT {limit}
            """);
    }

    public IQueryable<int> AllowanceUsedAtLeast(TokenConsoleDbContext db, DateTimeOffset now, int percent) => CustomerSearchSql.AllowanceUsedAtLeast(db, now, percent);
}

/// <summary>
/// PostgreSQL: trigram GIN indexes (pg_trgm, made by the Initial migration) on the code, the name and the Chinese name
/// answer <c>ILIKE '%fragment%'</c> — substring matches, case-insensitive — from the index for fragments of three
/// characters or more; a shorter fragment has no trigram to look up and reads the table (a bounded read: the LIMIT).
/// </summary>
public sealed class PostgresCustomerSearch : ICustomerSearch
{
    public IQueryable<int> Matching(TokenConsoleDbContext db, string fragment)
    {
        ArgumentNullException.ThrowIfNull(db);
        // LIKE's own characters in the fragment match themselves.
        var pattern = "%" + (fragment ?? "").Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal) + "%";
        var limit = ICustomerSearch.MaxMatches + 1;
        return db.Database.SqlQuery<int>($"""
            SELECT "Id" AS "Value" FROM "Customers" WHERE "Code" ILIKE {pattern} OR "Name" ILIKE {pattern} OR "NameZh" ILIKE {pattern}
            ORDER BY "Id" LIMIT {limit}
            """);
    }

    public IQueryable<int> AllowanceUsedAtLeast(TokenConsoleDbContext db, DateTimeOffset now, int percent) => CustomerSearchSql.AllowanceUsedAtLeast(db, now, percent);
}

/// <summary>What both providers answer with the same SQL.</summary>
internal static class CustomerSearchSql
{
    public static IQueryable<int> AllowanceUsedAtLeast(TokenConsoleDbContext db, DateTimeOffset now, int percent)
    {
        ArgumentNullException.ThrowIfNull(db);
        // Used and Included are integers of millionths and times are UTC ticks (the context's converters).
        var ticks = now.UtcTicks;
        var allowance = nameof(BucketKind.Allowance);
        var rollover = nameof(BucketKind.Rollover);
        return db.Database.SqlQuery<int>($"""
            SELECT DISTINCT "CustomerId" AS "Value" FROM "AllowanceBuckets"
            WHERE "Kind" IN ({allowance}, {rollover}) AND "ValidFrom" <= {ticks} AND "ValidTo" > {ticks}
            GROUP BY "SubscriptionId", "CustomerId"
            HAVING SUM("Included") > 0 AND SUM("Used") * 100.0 >= SUM("Included") * {percent}
            """);
    }
}
