namespace TokenConsole.Components.Shared;

/// <summary>
/// A field's message as its own MudBlazor <c>Validation</c>. MudBlazor re-validates a changed value itself and then clears
/// an error set only through <c>Error</c>/<c>ErrorText</c>, which stays cleared in the browser while that parameter does not
/// change; a field that validates itself through this shows the form's current message for it after every change.
/// </summary>
public static class FieldValidation
{
    public static Func<T, string?> Showing<T>(Func<string?> message) => _ => message();
}
