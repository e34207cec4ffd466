namespace TokenConsole.Data;

/// <summary>
/// The database engine behind the console, chosen by <c>Database:Provider</c>: SQLite, the embedded default (a file, no
/// server: <c>dotnet run</c> on a fresh clone needs nothing installed), or PostgreSQL for production and for more than
/// one console instance (issue 15).
/// </summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSQL,
}

public static class DatabaseProviders
{
    public const string Setting = "Database:Provider";

    /// <summary>The configured provider; an unknown name stops the start with the names it takes.</summary>
    public static DatabaseProvider Of(IConfiguration configuration) => Parse(configuration[Setting]);

    public static DatabaseProvider Parse(string? name) => name switch
    {
        null or "" => DatabaseProvider.Sqlite,
        _ when Enum.TryParse<DatabaseProvider>(name, ignoreCase: true, out var provider) && Enum.IsDefined(provider) => provider,
        _ when string.Equals(name, "Postgres", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Npgsql", StringComparison.OrdinalIgnoreCase)
            => DatabaseProvider.PostgreSQL,
        _ => throw new InvalidOperationException($"{Setting} is '{name}'; it takes Sqlite (the default) or PostgreSQL."),
    };
}
