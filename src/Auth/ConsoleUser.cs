using Microsoft.AspNetCore.Identity;

namespace TokenConsole.Auth;

/// <summary>A local account (local sign-in mode). In Entra mode people come from the directory instead.</summary>
public class ConsoleUser : IdentityUser
{
    public required string DisplayName { get; set; }
    public bool IsDisabled { get; set; }
}
