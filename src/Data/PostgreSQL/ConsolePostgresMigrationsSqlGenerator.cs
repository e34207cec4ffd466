using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations;
using TokenConsole.Data.Schema;

namespace TokenConsole.Data.PostgreSQL;

/// <summary>
/// PostgreSQL's migration SQL plus the <see cref="SchemaAnnotations"/> that matter there: an append-only table gets
/// triggers that refuse UPDATE, DELETE and TRUNCATE from anyone (the application, a script, psql). WITHOUT ROWID is
/// SQLite's and means nothing here. PostgreSQL alters columns in place, so the triggers made with the table stay.
/// </summary>
#pragma warning disable EF1001 // Npgsql's generator takes its options through an interface in an Internal namespace.
public sealed class ConsolePostgresMigrationsSqlGenerator(MigrationsSqlGeneratorDependencies dependencies, INpgsqlSingletonOptions options)
    : NpgsqlMigrationsSqlGenerator(dependencies, options)
#pragma warning restore EF1001
{
    public const string AppendOnlyFunction = "tc_refuse_change_of_append_only";

    protected override void Generate(CreateTableOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true)
    {
        base.Generate(operation, model, builder, terminate);
        if (terminate && SchemaAnnotations.Has(model, operation.Name, operation.Schema, SchemaAnnotations.AppendOnly))
        {
            AppendOnlyTriggers(operation.Name, operation.Schema, builder);
        }
    }

    private void AppendOnlyTriggers(string table, string? schema, MigrationCommandListBuilder builder)
    {
        var sql = Dependencies.SqlGenerationHelper;
        var name = sql.DelimitIdentifier(table, schema);
        // One function for every append-only table; the message names the table and what was refused.
        builder.AppendLine($"""
            CREATE OR REPLACE FUNCTION {AppendOnlyFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'The table % is append-only: rows cannot be %.', TG_TABLE_NAME,
                    CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END USING ERRCODE = 'restrict_violation';
            END $$
            """ + sql.StatementTerminator);
        EndStatement(builder);
        builder.AppendLine($"CREATE TRIGGER {sql.DelimitIdentifier($"{table}_NoUpdateOrDelete")} BEFORE UPDATE OR DELETE ON {name} FOR EACH ROW EXECUTE FUNCTION {AppendOnlyFunction}()" + sql.StatementTerminator);
        EndStatement(builder);
        builder.AppendLine($"CREATE TRIGGER {sql.DelimitIdentifier($"{table}_NoTruncate")} BEFORE TRUNCATE ON {name} FOR EACH STATEMENT EXECUTE FUNCTION {AppendOnlyFunction}()" + sql.StatementTerminator);
        EndStatement(builder);
    }
}
