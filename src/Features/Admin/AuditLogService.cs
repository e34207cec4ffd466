using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Admin;

/// <summary>Filters of the audit log; <see cref="ActorId"/> is a person's stable id, so a rename keeps their history together.</summary>
public sealed record AuditFilter(string? ActorId = null, string? EntityType = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>One changed field of an audited entity: its value before and after, as JSON text (null = absent).</summary>
public sealed record AuditFieldChange(string Field, string? Before, string? After);

/// <summary>
/// Reads the audit log. It has no method that writes: entries are added by the one write path
/// (<see cref="Data.Writes.AuditedWriter"/>) inside the transaction of the change they describe, and the database refuses
/// updates and deletes (the entity is <c>IsAppendOnly()</c>, made so by triggers in the migration).
/// </summary>
public sealed class AuditLogService(IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    /// <summary>One page of entries, newest first, with the number of entries that match the filter.</summary>
    public async Task<(IReadOnlyList<AuditEntry> Items, int Total)> PageAsync(AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        pageSize = Math.Min(pageSize, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.ActorId))
        {
            query = query.Where(a => a.ActorId == filter.ActorId);
        }
        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            query = query.Where(a => a.EntityType == filter.EntityType);
        }
        if (filter.From is { } from)
        {
            query = query.Where(a => a.At >= from);
        }
        if (filter.To is { } to)
        {
            query = query.Where(a => a.At < to);
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>The people and entity types that appear in the log, for the filters.</summary>
    public async Task<(IReadOnlyList<AuditActorOption> Actors, IReadOnlyList<string> EntityTypes)> FilterValuesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One option per person (by id), under the name they were last recorded with.
        var pairs = await db.AuditEntries.GroupBy(a => a.ActorId).Select(g => new { Id = g.Key, LastId = g.Max(a => a.Id) }).ToListAsync(cancellationToken);
        var lastIds = pairs.Select(p => p.LastId).ToList();
        var names = await db.AuditEntries.Where(a => lastIds.Contains(a.Id)).Select(a => new { a.ActorId, a.ActorName }).ToListAsync(cancellationToken);
        var actors = names.Select(n => new AuditActorOption(n.ActorId, n.ActorName)).OrderBy(a => a.Name, StringComparer.CurrentCulture).ToList();
        var types = await db.AuditEntries.Select(a => a.EntityType).Distinct().OrderBy(t => t).ToListAsync(cancellationToken);
        return (actors, types);
    }

    /// <summary>
    /// The fields that differ between the before and after JSON objects, in the order they appear. Nested objects and
    /// arrays are flattened into paths (<c>Tiers[1].PricePerMTok</c>), so a changed tier shows as that one field. A value
    /// that is not an object (or unreadable JSON) is compared as a whole, under the field name "".
    /// </summary>
    public static IReadOnlyList<AuditFieldChange> Diff(string? beforeJson, string? afterJson)
    {
        var before = Fields(beforeJson);
        var after = Fields(afterJson);
        if (before is null || after is null)
        {
            return beforeJson == afterJson ? [] : [new AuditFieldChange("", beforeJson, afterJson)];
        }
        var names = before.Keys.Concat(after.Keys).Distinct();
        return [.. names
            .Select(n => new AuditFieldChange(n, before.GetValueOrDefault(n), after.GetValueOrDefault(n)))
            .Where(c => c.Before != c.After)];
    }

    private static Dictionary<string, string>? Fields(string? json)
    {
        if (json is null)
        {
            return [];
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var fields = new Dictionary<string, string>();
            Flatten(document.RootElement, "", fields);
            return fields;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string> fields)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", fields);
                }
                break;
            case JsonValueKind.Array:
                // An empty list has no fields: a list that gains its first item shows that item, not a changed "[]".
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}[{index++}]", fields);
                }
                break;
            case JsonValueKind.String:
                fields[path] = element.GetString()!;
                break;
            default:
                fields[path] = element.GetRawText();
                break;
        }
    }
}

/// <summary>A person in the audit log's filter: their stable id and the name to show.</summary>
public sealed record AuditActorOption(string Id, string Name);
