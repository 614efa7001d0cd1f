/*
 * The template-mutation demo: acpi_build_tables() run twice in one process
 * with the same PVH config, printing the FADT each time (the second differs:
 * the first build wrote to the global template). The table builder and its
 * context come from harness.c, whose main() is renamed out of the way.
 */
#define main harness_main
#include "harness.c"
#undef main

int main(int argc, char **argv){
  for (int run = 0; run < 2; run++) {
    struct acpi_config cfg; struct hvm_info_table hi; memset(&cfg,0,sizeof cfg); memset(&hi,0,sizeof hi);
    cfg.dsdt_anycpu = cfg.dsdt_15cpu = dummy_dsdt; cfg.dsdt_anycpu_len = cfg.dsdt_15cpu_len = sizeof dummy_dsdt;
    hi.apic_mode=1; hi.nr_vcpus=2; hi.vcpu_online[0]=3; cfg.hvminfo=&hi; cfg.lapic_base_address=0xFEE00000; cfg.lapic_id=lapic_id; cfg.acpi_revision=5;
    cfg.rsdp=(unsigned long)calloc(1,PAGE); cfg.infop=(unsigned long)calloc(1,PAGE);
    C.buf=calloc(NUM_ACPI_PAGES,PAGE); C.start=C.curr=C.end=INFO_PA+PAGE; C.end+=NUM_ACPI_PAGES*PAGE;
    C.c.mem_ops.alloc=alloc; C.c.mem_ops.v2p=v2p; C.c.mem_ops.free=fr;
    acpi_build_tables(&C.c,&cfg);
    struct acpi_20_rsdp *rsdp=(void*)cfg.rsdp; struct acpi_20_rsdt *r=p2v(rsdp->rsdt_address);
    struct acpi_10_fadt *f1=p2v(r->entry[0]);
    struct acpi_20_xsdt *x=p2v(rsdp->xsdt_address); struct acpi_fadt *f=p2v(x->entry[0]);
    printf("run %d: RSDT->FADT rev %u: sci_int=%u pm_tmr_blk=%#x gpe0_blk=%#x len=%u flags=%#x | XSDT->FADT pm_tmr_blk=%#x flags=%#x\n", run, f1->header.revision, f1->sci_int, f1->pm_tmr_blk, f1->gpe0_blk, f1->gpe0_blk_len, f1->flags, f->pm_tmr_blk, f->flags);
  }
  return 0;
}
