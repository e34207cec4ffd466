using System.Net;
using Microsoft.Data.Sqlite;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Auth;

/// <summary>
/// Issue 12, item 7: another connection holding the database's write lock (as <c>BEGIN EXCLUSIVE</c> in the sqlite3
/// shell does) makes sign-in say "try again", not answer 500; once the lock is gone, sign-in works.
/// </summary>
// SQLite only: SQLite's file-wide exclusive lock.
[Trait("Provider", "Sqlite")]
public sealed class SignInWhileLockedTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ConsoleFactory _factory = new();

    public SignInWhileLockedTests()
    {
        // A one-second busy timeout instead of the default 30 s, so that the test does not wait half a minute.
        _factory.Settings["ConnectionStrings:TokenConsole"] = $"Data Source={_factory.DatabasePath};Default Timeout=1";
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Signing_in_while_another_connection_holds_an_exclusive_lock_says_the_database_is_busy_and_works_after_it_is_released()
    {
        using var client = _factory.CreateBrowserLikeClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login", Ct)).StatusCode);

        await using (var holder = new SqliteConnection($"Data Source={_factory.DatabasePath};Pooling=False"))
        {
            await holder.OpenAsync(Ct);
            await ExecuteAsync(holder, "BEGIN EXCLUSIVE");
            // A wrong password makes Identity write the failed attempt: that write meets the lock.
            var response = await ConsoleFactory.PostSignInAsync(client, "pm", "not-the-password");
            var html = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("data-testid=\"login-error\">The database is busy. Try again in a moment.", html, StringComparison.Ordinal);
            await ExecuteAsync(holder, "ROLLBACK");
        }
        Assert.Contains(_factory.Logs.Messages, m => m.StartsWith("Sign-in for pm met a busy database", StringComparison.Ordinal));

        var signedIn = await ConsoleFactory.PostSignInAsync(client, "pm", _factory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
