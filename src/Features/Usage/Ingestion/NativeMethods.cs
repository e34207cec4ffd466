using System.Runtime.InteropServices;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// The few SQLite functions the usage writer calls per row, bound directly to the e_sqlite3 library that SQLitePCL
/// loads. Each SQLitePCL call goes through an interface and adds and releases a reference on the statement's safe
/// handle; at about twenty calls per event that was a tenth of the single writer thread's time (issue 5). The writer
/// keeps its SQLitePCL statements alive for as long as it uses their raw handles here. The binds, resets and change
/// counts only copy a value or set a flag, so they skip the GC transition; the step does the work and keeps it.
/// </summary>
internal static class NativeMethods
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLITE_TRANSIENT: SQLite copies the text before the bind returns.</summary>
    private static readonly nint Transient = -1;

    [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    private static extern int sqlite3_bind_int64(nint statement, int index, long value);

    [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    private static extern int sqlite3_bind_double(nint statement, int index, double value);

    [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    private static extern int sqlite3_bind_text16(nint statement, int index, ref byte text, int bytes, nint destructor);

    [DllImport(Library), DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    private static extern int sqlite3_step(nint statement);

    [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    private static extern int sqlite3_reset(nint statement);

    [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    private static extern int sqlite3_changes(nint db);

    // Binding a parameter index the statement has, or resetting it, cannot fail: their result codes carry nothing.
    public static void BindInt64(nint statement, int index, long value) => _ = sqlite3_bind_int64(statement, index, value);

    public static void BindDouble(nint statement, int index, double value) => _ = sqlite3_bind_double(statement, index, value);

    // The text goes as a reference to its first byte, which the marshaller pins in place: a char is not blittable to
    // DllImport (it would pass a converted copy of the one character).
    public static void BindText(nint statement, int index, string text) =>
        _ = sqlite3_bind_text16(statement, index, ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(text.AsSpan())), text.Length * sizeof(char), Transient);

    public static int Step(nint statement) => sqlite3_step(statement);

    public static void Reset(nint statement) => _ = sqlite3_reset(statement);

    public static int Changes(nint db) => sqlite3_changes(db);
}
