using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalHub.Content.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ClinicalObservations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "clinical_observations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: true),
                    source_document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    code_system = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    display = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    value_type = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    value_number = table.Column<decimal>(type: "numeric", nullable: true),
                    value_text = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: true),
                    unit = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    reference_range = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    reference_low = table.Column<decimal>(type: "numeric", nullable: true),
                    reference_high = table.Column<decimal>(type: "numeric", nullable: true),
                    abnormal_flag = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    effective_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    report_code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    report_display = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clinical_observations", x => x.id);
                    table.ForeignKey(
                        name: "fk_clinical_observations_documents_source_document_id",
                        column: x => x.source_document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_clinical_observations_organization_id_patient_id_code_effec",
                table: "clinical_observations",
                columns: new[] { "organization_id", "patient_id", "code", "effective_at" });

            migrationBuilder.CreateIndex(
                name: "ix_clinical_observations_source_document_id_sequence",
                table: "clinical_observations",
                columns: new[] { "source_document_id", "sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "clinical_observations");
        }
    }
}
