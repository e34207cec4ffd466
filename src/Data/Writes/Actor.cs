using System.Security.Claims;
using TokenConsole.Auth;

namespace TokenConsole.Data.Writes;

/// <summary>
/// Who makes a change: a stable <see cref="Id"/> that rules compare (maker–checker) and the audit log filters by, and the
/// display <see cref="Name"/> that people read. Under Entra the id is the object id (<c>oid</c>), which survives a rename;
/// with local accounts it is the Identity user id. Background work acts as a fixed system actor.
/// </summary>
public sealed record Actor(string Id, string Name)
{
    /// <summary>The long form of Entra's <c>oid</c>, as Microsoft.IdentityModel maps it on inbound tokens.</summary>
    public const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public static readonly Actor Scheduler = new("system:scheduler", "Scheduler");
    public static readonly Actor DemoMode = new("system:demo", "Demo mode");
    public static readonly Actor Seeder = new("system:seed", "Demo data");

    /// <summary>
    /// The person behind a principal. A principal with no id claim at all (none is issued by either sign-in) falls back
    /// to its name, so that it still compares equal to itself.
    /// </summary>
    public static Actor Of(ClaimsPrincipal user)
    {
        var id = user.FindFirst(ObjectIdClaim)?.Value ?? user.FindFirst("oid")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
            ?? user.Identity?.Name ?? "";
        var name = UserDisplay.Name(user);
        return new Actor(id, name.Length == 0 ? id : name);
    }

    /// <summary>Whether this actor is the one recorded as <paramref name="actorId"/> (ids are compared exactly).</summary>
    public bool Is(string? actorId) => actorId is not null && string.Equals(Id, actorId, StringComparison.Ordinal);
}
