/* Mimics libxl__dom_load_acpi()/init_acpi_config() for a PVH guest: builds
 * the ACPI tables with a Xen tree's tools/libacpi (build.c, static_tables.c
 * and the generated dsdt_pvh.c, with stdutils.h) and prints the FADT fields
 * the report is about. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "acpi2_0.h"
#include "libacpi.h"
#include <xen/hvm/hvm_info_table.h>
#define PAGE 4096
#define NUM_ACPI_PAGES 16
#define ALIGN(p, a) (((p) + ((a) - 1)) & ~((a) - 1))
#define INFO_PA 0xFC000000UL
struct c { struct acpi_ctxt c; unsigned long start, curr, end; unsigned char *buf; };
static struct c C;
static unsigned long v2p(struct acpi_ctxt *x, void *v){ return C.start + ((unsigned char*)v - C.buf); }
static void *p2v(unsigned long p){ return C.buf + (p - C.start); }
static void *alloc(struct acpi_ctxt *x, uint32_t size, uint32_t align){
  unsigned long s,e; if (align<16) align=16; s=ALIGN(C.curr,align); e=s+size-1;
  if (e<s || e>=C.end) return NULL; C.curr=e; return C.buf+(s-C.start); }
static void fr(struct acpi_ctxt *x, void *v, uint32_t s){}
static uint32_t lapic_id(unsigned cpu){ return cpu*2; }
static const unsigned char dummy_dsdt[36] = "DSDT";
int main(int argc, char **argv){
  struct acpi_config cfg; struct hvm_info_table hi; int i, nr = argc > 1 ? atoi(argv[1]) : 2;
  memset(&cfg,0,sizeof cfg); memset(&hi,0,sizeof hi);
  cfg.dsdt_anycpu = cfg.dsdt_15cpu = dummy_dsdt; cfg.dsdt_anycpu_len = cfg.dsdt_15cpu_len = sizeof dummy_dsdt;
  hi.apic_mode = 1; hi.nr_vcpus = nr; for (i=0;i<nr;i++) hi.vcpu_online[i/8] |= 1u<<(i%8);
  cfg.hvminfo=&hi; cfg.lapic_base_address=0xFEE00000; cfg.lapic_id=lapic_id; cfg.acpi_revision=5;
  /* table_flags left 0, exactly as libxl does for PVH */
  cfg.rsdp=(unsigned long)calloc(1,PAGE); cfg.infop=(unsigned long)calloc(1,PAGE);
  C.buf=calloc(NUM_ACPI_PAGES,PAGE); C.start=C.curr=C.end=INFO_PA+PAGE; C.end+=NUM_ACPI_PAGES*PAGE;
  C.c.mem_ops.alloc=alloc; C.c.mem_ops.v2p=v2p; C.c.mem_ops.free=fr;
  if (acpi_build_tables(&C.c,&cfg)) { printf("build failed\n"); return 1; }
  struct acpi_20_rsdp *rsdp=(void*)cfg.rsdp; struct acpi_20_xsdt *x=p2v(rsdp->xsdt_address);
  struct acpi_fadt *f=p2v(x->entry[0]);
  printf("FADT rev %u len %u\n", f->header.revision, f->header.length);
  printf("sci_int=%u smi_cmd=%#x pm1a_evt_blk=%#x pm1a_cnt_blk=%#x pm_tmr_blk=%#x\n", f->sci_int, f->smi_cmd, f->pm1a_evt_blk, f->pm1a_cnt_blk, f->pm_tmr_blk);
  printf("gpe0_blk=%#x gpe0_blk_len=%u gpe1_blk=%#x gpe1_blk_len=%u\n", f->gpe0_blk, f->gpe0_blk_len, f->gpe1_blk, f->gpe1_blk_len);
  printf("x_gpe0_blk: space=%u width=%u addr=%#llx\n", f->x_gpe0_blk.address_space_id, f->x_gpe0_blk.register_bit_width, (unsigned long long)f->x_gpe0_blk.address);
  printf("x_pm1a_evt_blk addr=%#llx x_pm1a_cnt_blk addr=%#llx\n", (unsigned long long)f->x_pm1a_evt_blk.address,(unsigned long long)f->x_pm1a_cnt_blk.address);
  printf("flags=%#x (HW_REDUCED bit20=%u, PWR_BUTTON=%u, SLP_BUTTON=%u, RESET_REG_SUP=%u) iapc_boot_arch=%#x\n", f->flags, !!(f->flags&(1u<<20)), !!(f->flags&ACPI_PWR_BUTTON), !!(f->flags&ACPI_SLP_BUTTON), !!(f->flags&ACPI_RESET_REG_SUP), f->iapc_boot_arch);
  for (i=1; x->entry[i] && (i+1)*8+36 <= x->header.length; i++) {
    struct acpi_header *h=p2v(x->entry[i]);
    printf("table %.4s at %#lx len %u\n", (char*)&h->signature, (unsigned long)x->entry[i], h->length);
    if (!memcmp(&h->signature,"APIC",4)) {
      unsigned char *p=(unsigned char*)h+44; int n=0, io=0;
      while (p < (unsigned char*)h + h->length) { if (p[0]==1) io++; n++; p+=p[1]; }
      printf("  MADT flags=%#x (PCAT_COMPAT=%u) entries=%d ioapic_entries=%d\n", *(uint32_t*)((unsigned char*)h+40), *(uint32_t*)((unsigned char*)h+40)&1, n, io);
    }
  }
  struct { uint8_t b; uint8_t pad; uint16_t ncpu; uint32_t pmin,plen,msua,mapa; } *ai=(void*)cfg.infop;
  printf("acpi_info: nr_cpus=%u madt_lapic0_addr(MAPA)=%#x xsdt=%#llx rsdt=%#x tables_end=%#lx\n", ai->ncpu, ai->mapa, (unsigned long long)rsdp->xsdt_address, rsdp->rsdt_address, C.curr);
  return 0;
}
