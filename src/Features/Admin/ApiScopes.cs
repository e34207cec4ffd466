namespace TokenConsole.Features.Admin;

/// <summary>
/// What an API key may do (issue 16): <see cref="UsageWrite"/> sends usage events, <see cref="Credit"/> reserves and
/// commits tokens through credit control. A key carries one or more; an endpoint that needs a scope the key lacks answers
/// 403. Stored and configured comma-separated, in this order.
/// </summary>
public static class ApiScopes
{
    public const string UsageWrite = "usage:write";
    public const string Credit = "credit";

    public static IReadOnlyList<string> All { get; } = [UsageWrite, Credit];

    /// <summary>The scopes of <paramref name="text"/> ("usage:write, credit"); null and the first unknown name when one is not a scope.</summary>
    public static (IReadOnlySet<string>? Scopes, string? Unknown) Parse(string? text)
    {
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!All.Contains(part))
            {
                return (null, part);
            }
            scopes.Add(part);
        }
        return (scopes, null);
    }

    /// <summary>The stored form: known scopes, comma-separated, in <see cref="All"/>'s order.</summary>
    public static string Format(IEnumerable<string> scopes)
    {
        var set = scopes as IReadOnlySet<string> ?? new HashSet<string>(scopes, StringComparer.Ordinal);
        return string.Join(",", All.Where(set.Contains));
    }
}

/// <summary>A key provided through configuration: <c>ApiKeys:N:Key</c> with <c>ApiKeys:N:Scopes</c> (comma-separated).</summary>
public sealed class ConfiguredApiKey
{
    public string? Key { get; set; }
    public string? Scopes { get; set; }
}

/// <summary>The <c>ApiKeys</c> section: the keys configuration provides, beside the older <c>Ingestion:ApiKeys</c> (usage:write keys).</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "ApiKeys";

    public List<ConfiguredApiKey> Keys { get; set; } = [];

    /// <summary>Why the section cannot be used (a key without a secret, no scope, an unknown one), or null.</summary>
    public string? Problem()
    {
        for (var i = 0; i < Keys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Keys[i].Key))
            {
                return $"{Section}:{i}:Key is empty.";
            }
            var (scopes, unknown) = ApiScopes.Parse(Keys[i].Scopes);
            if (unknown is not null)
            {
                return $"{Section}:{i}:Scopes names '{unknown}', which is not a scope; it takes {string.Join(", ", ApiScopes.All)}.";
            }
            if (scopes!.Count == 0)
            {
                return $"{Section}:{i}:Scopes is empty; give the key at least one of {string.Join(", ", ApiScopes.All)}.";
            }
        }
        return null;
    }
}

/// <summary>Stops the start on an unusable ApiKeys section, naming the setting and what it takes.</summary>
internal sealed class ApiKeyOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ApiKeyOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ApiKeyOptions options) =>
        options.Problem() is { } problem ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problem) : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}

/// <summary>How a scope reads in the console: a name and what it allows, in the reader's language.</summary>
public static class ApiScopeText
{
    public static string Name(Microsoft.Extensions.Localization.IStringLocalizer l, string scope) => scope switch
    {
        ApiScopes.UsageWrite => l["Send usage"],
        ApiScopes.Credit => l["Credit control"],
        _ => scope,
    };

    public static string Description(Microsoft.Extensions.Localization.IStringLocalizer l, string scope) => scope switch
    {
        ApiScopes.UsageWrite => l["Gateways post usage events (POST /api/v1/usage/events)."],
        ApiScopes.Credit => l["Gateways reserve tokens before a call and commit them after it (credit control)."],
        _ => scope,
    };
}
