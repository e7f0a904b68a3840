using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace MedicalHub.Content.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class IngestionAndSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "document_extractions",
                columns: table => new
                {
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version_number = table.Column<int>(type: "integer", nullable: false),
                    extractor = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    page_count = table.Column<int>(type: "integer", nullable: false),
                    character_count = table.Column<int>(type: "integer", nullable: false),
                    ocr_page_count = table.Column<int>(type: "integer", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: false),
                    warnings = table.Column<List<string>>(type: "text[]", nullable: false),
                    extracted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_extractions", x => x.document_id);
                    table.ForeignKey(
                        name: "fk_document_extractions_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "document_text_pages",
                columns: table => new
                {
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    page_number = table.Column<int>(type: "integer", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    ocr = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_text_pages", x => new { x.document_id, x.page_number });
                    table.ForeignKey(
                        name: "fk_document_text_pages_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "document_thumbnails",
                columns: table => new
                {
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    size = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version_number = table.Column<int>(type: "integer", nullable: false),
                    png = table.Column<byte[]>(type: "bytea", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_thumbnails", x => new { x.document_id, x.size });
                    table.ForeignKey(
                        name: "fk_document_thumbnails_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ingestion_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version_number = table.Column<int>(type: "integer", nullable: false),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lease_owner = table.Column<Guid>(type: "uuid", nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ingestion_jobs", x => x.id);
                    table.ForeignKey(
                        name: "fk_ingestion_jobs_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_entries",
                columns: table => new
                {
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version_number = table.Column<int>(type: "integer", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: true),
                    category = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    media_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    author_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    title = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    language = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: true),
                    indexed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_search_entries", x => x.document_id);
                    table.ForeignKey(
                        name: "fk_search_entries_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ingestion_jobs_document_id_version_number",
                table: "ingestion_jobs",
                columns: new[] { "document_id", "version_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ingestion_jobs_due",
                table: "ingestion_jobs",
                column: "next_attempt_at",
                filter: "state IN ('pending', 'processing')");

            migrationBuilder.CreateIndex(
                name: "ix_ingestion_jobs_organization_id_state",
                table: "ingestion_jobs",
                columns: new[] { "organization_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_organization_id_document_date",
                table: "search_entries",
                columns: new[] { "organization_id", "document_date" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_organization_id_patient_id",
                table: "search_entries",
                columns: new[] { "organization_id", "patient_id" });

            // Full-text search: English and French configurations that ignore accents (unaccent before the stemmer), and the
            // index: RUM where the extension is installed (it ranks inside the index), GIN otherwise (the fallback,
            // reported as Degraded by readiness). Both are PostgreSQL contrib or Debian packages; nothing is downloaded.
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS unaccent;
                CREATE TEXT SEARCH CONFIGURATION medicalhub_en (COPY = english);
                ALTER TEXT SEARCH CONFIGURATION medicalhub_en ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
                CREATE TEXT SEARCH CONFIGURATION medicalhub_fr (COPY = french);
                ALTER TEXT SEARCH CONFIGURATION medicalhub_fr ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
                DO $$
                BEGIN
                    BEGIN
                        CREATE EXTENSION IF NOT EXISTS rum;
                    EXCEPTION WHEN undefined_file OR insufficient_privilege OR feature_not_supported THEN
                        RAISE NOTICE 'rum is not available (%): full-text search uses the GIN fallback', SQLERRM;
                    END;
                    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'rum') THEN
                        CREATE INDEX ix_search_entries_vector ON search_entries USING rum (search_vector rum_tsvector_ops);
                    ELSE
                        CREATE INDEX ix_search_entries_vector ON search_entries USING gin (search_vector);
                    END IF;
                END
                $$;
                """);

            // Documents stored before the pipeline existed are processed too.
            migrationBuilder.Sql("""
                INSERT INTO ingestion_jobs (id, organization_id, document_id, version_number, state, attempts, next_attempt_at, created_at, updated_at)
                SELECT gen_random_uuid(), d.organization_id, d.id, d.current_version, 'pending', 0, now(), now(), now()
                FROM documents d WHERE d.current_version > 0
                ON CONFLICT DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS ix_search_entries_vector;
                DROP TEXT SEARCH CONFIGURATION IF EXISTS medicalhub_en;
                DROP TEXT SEARCH CONFIGURATION IF EXISTS medicalhub_fr;
                """);
            migrationBuilder.DropTable(
                name: "document_extractions");

            migrationBuilder.DropTable(
                name: "document_text_pages");

            migrationBuilder.DropTable(
                name: "document_thumbnails");

            migrationBuilder.DropTable(
                name: "ingestion_jobs");

            migrationBuilder.DropTable(
                name: "search_entries");
        }
    }
}
