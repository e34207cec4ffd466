using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <summary>
    /// The customer search of issue 13 (SqliteCustomerSearch): an FTS5 trigram index over the code, name and Chinese name,
    /// an external-content table over Customers kept in step by triggers, and the B-tree indexes that answer fragments
    /// shorter than a trigram by prefix. Hand-written SQL, no model change: EF cannot declare a virtual table, a trigger or
    /// a NOCASE index. Note that a future EF rebuild of the Customers table (to alter a column) drops its triggers: such a
    /// migration must create them again (the SQL below).
    /// </summary>
    public partial class CustomersUiAdditions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "CustomerSearch" USING fts5("Code", "Name", "NameZh", content='Customers', content_rowid='Id', tokenize='trigram');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Customers_Search_Insert" AFTER INSERT ON "Customers" BEGIN
                    INSERT INTO "CustomerSearch"(rowid, "Code", "Name", "NameZh") VALUES (new."Id", new."Code", new."Name", new."NameZh");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Customers_Search_Delete" AFTER DELETE ON "Customers" BEGIN
                    INSERT INTO "CustomerSearch"("CustomerSearch", rowid, "Code", "Name", "NameZh") VALUES ('delete', old."Id", old."Code", old."Name", old."NameZh");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Customers_Search_Update" AFTER UPDATE OF "Code", "Name", "NameZh" ON "Customers" BEGIN
                    INSERT INTO "CustomerSearch"("CustomerSearch", rowid, "Code", "Name", "NameZh") VALUES ('delete', old."Id", old."Code", old."Name", old."NameZh");
                    INSERT INTO "CustomerSearch"(rowid, "Code", "Name", "NameZh") VALUES (new."Id", new."Code", new."Name", new."NameZh");
                END;
                """);
            migrationBuilder.Sql("""INSERT INTO "CustomerSearch"("CustomerSearch") VALUES ('rebuild');""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Customers_Name_NoCase" ON "Customers" ("Name" COLLATE NOCASE);""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Customers_NameZh" ON "Customers" ("NameZh");""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Customers_NameZh";""");
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Customers_Name_NoCase";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Customers_Search_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Customers_Search_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Customers_Search_Insert";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "CustomerSearch";""");
        }
    }
}
