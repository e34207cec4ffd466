using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Customers;

/// <summary>
/// Finds customers by a fragment of their code, name or Chinese name, and by how much of their period's allowance they
/// used, as id sets the customer list composes with its other filters. The SQL is the provider's own (SQLite's FTS5
/// here; PostgreSQL's pg_trgm comes with issue 15), so it lives behind this interface, one implementation per provider.
/// </summary>
public interface ICustomerSearch
{
    /// <summary>At most this many matches are taken: a fragment matching more asks the person to narrow it.</summary>
    const int MaxMatches = 10_000;

    /// <summary>Ids of customers whose code, name or Chinese name contains <paramref name="fragment"/> (Latin letters in any case), at most <see cref="MaxMatches"/> + 1.</summary>
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
            return db.Database.SqlQuery<int>($"SELECT rowid AS Value FROM CustomerSearch WHERE CustomerSearch MATCH {phrase} LIMIT {limit}");
        }
        var code = CustomerForm.NormalizeCode(fragment);
        return db.Database.SqlQuery<int>($"""
            SELECT Value FROM (
                SELECT Id AS Value FROM Customers WHERE Code >= {code} AND Code < {code + Highest}
                UNION SELECT Id FROM Customers WHERE Name COLLATE NOCASE >= {fragment} AND Name COLLATE NOCASE < {fragment + Highest}
                UNION SELECT Id FROM Customers WHERE NameZh >= {fragment} AND NameZh < {fragment + Highest})
            LIMIT {limit}
            """);
    }

    public IQueryable<int> AllowanceUsedAtLeast(TokenConsoleDbContext db, DateTimeOffset now, int percent)
    {
        ArgumentNullException.ThrowIfNull(db);
        // Used and Included are integers of millionths and times are UTC ticks (the context's converters).
        var ticks = now.UtcTicks;
        var allowance = nameof(BucketKind.Allowance);
        var rollover = nameof(BucketKind.Rollover);
        return db.Database.SqlQuery<int>($"""
            SELECT DISTINCT CustomerId AS Value FROM AllowanceBuckets
            WHERE Kind IN ({allowance}, {rollover}) AND ValidFrom <= {ticks} AND ValidTo > {ticks}
            GROUP BY SubscriptionId, CustomerId
            HAVING SUM(Included) > 0 AND SUM(Used) * 100.0 >= SUM(Included) * {percent}
            """);
    }
}
