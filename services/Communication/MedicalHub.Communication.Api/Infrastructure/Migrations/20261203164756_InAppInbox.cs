using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalHub.Communication.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class InAppInbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "read_at",
                table: "deliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_inbox",
                table: "deliveries",
                columns: new[] { "organization_id", "address", "id" },
                filter: "channel = 'InApp'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deliveries_inbox",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "read_at",
                table: "deliveries");
        }
    }
}
