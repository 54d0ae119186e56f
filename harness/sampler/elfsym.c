/* ELF symbol lookup with pread: headers, then one symbol table and its
 * string table at a time. Sizes come from the file, so every one is checked
 * against the file's size before it is trusted. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sampler/elfsym.h"

#define MAX_TABLE (256u << 20)  /* refuse symbol tables above 256 MiB */

/* Reads exactly n bytes at off. Returns 0, or -1 with errno (EIO on EOF). */
static int pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    size_t done = 0;

    while (done < n) {
        ssize_t got = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0) {
            errno = EIO;
            return -1;
        }
        done += (size_t)got;
    }
    return 0;
}

/* Reads a whole section into a fresh buffer (caller frees), or NULL. */
static void *read_section(int fd, const Elf64_Shdr *sh, uint64_t file_size)
{
    void *buf;

    if (sh->sh_size == 0 || sh->sh_size > MAX_TABLE ||
        sh->sh_offset > file_size || sh->sh_size > file_size - sh->sh_offset)
        return NULL;
    buf = malloc(sh->sh_size);
    if (buf && pread_all(fd, buf, sh->sh_size, sh->sh_offset) < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Looks up the still-missing names in one symbol table section. */
static void scan_table(int fd, const Elf64_Shdr *shdrs, size_t nsh, size_t idx,
                       uint64_t file_size, struct pb_elf_sym *syms, size_t n)
{
    const Elf64_Shdr *symsh = &shdrs[idx];
    Elf64_Sym *tab = NULL;
    char *strtab = NULL;
    size_t nsyms, strsize;

    if (symsh->sh_link >= nsh || symsh->sh_entsize != sizeof(Elf64_Sym))
        return;
    tab = read_section(fd, symsh, file_size);
    strtab = read_section(fd, &shdrs[symsh->sh_link], file_size);
    if (!tab || !strtab)
        goto cleanup;
    nsyms = symsh->sh_size / sizeof(Elf64_Sym);
    strsize = shdrs[symsh->sh_link].sh_size;
    for (size_t i = 1; i < nsyms; i++) {
        const char *name;
        size_t room;

        if (tab[i].st_shndx == SHN_UNDEF || tab[i].st_name >= strsize)
            continue;
        name = strtab + tab[i].st_name;
        room = strsize - tab[i].st_name;
        for (size_t k = 0; k < n; k++) {
            size_t len = strlen(syms[k].name);
            if (!syms[k].found && len < room && memcmp(name, syms[k].name, len + 1) == 0) {
                syms[k].value = tab[i].st_value;
                syms[k].size = tab[i].st_size;
                syms[k].found = 1;
            }
        }
    }
cleanup:
    free(tab);
    free(strtab);
}

int pb_elf_lookup(const char *path, struct pb_elf_sym *syms, size_t n,
                  uint64_t *load_vaddr, struct pb_error *err)
{
    Elf64_Ehdr eh;
    Elf64_Shdr *shdrs = NULL;
    struct stat st;
    int fd, rc = -1, saved;
    uint64_t first_load = UINT64_MAX;

    for (size_t k = 0; k < n; k++) {
        syms[k].value = syms[k].size = 0;
        syms[k].found = 0;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        saved = errno;
        pb_error_set(err, "cannot open '%s'", path);
        return pb_error_errno(err, saved);
    }
    if (fstat(fd, &st) < 0 || pread_all(fd, &eh, sizeof eh, 0) < 0 ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        pb_error_set(err, "'%s' is not an ELF file", path);
        goto cleanup;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        pb_error_set(err, "'%s' is not a 64-bit little-endian ELF file", path);
        goto cleanup;
    }

    /* Program headers: the first PT_LOAD gives the link-time base. */
    if (eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum < 4096) {
        for (unsigned i = 0; i < eh.e_phnum; i++) {
            Elf64_Phdr ph;
            if (pread_all(fd, &ph, sizeof ph, eh.e_phoff + (uint64_t)i * sizeof ph) < 0)
                break;
            if (ph.p_type == PT_LOAD && ph.p_vaddr < first_load)
                first_load = ph.p_vaddr;
        }
    }
    if (first_load == UINT64_MAX) {
        pb_error_set(err, "'%s' has no loadable segment", path);
        goto cleanup;
    }
    if (load_vaddr)
        *load_vaddr = first_load & ~(uint64_t)0xfff;

    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shnum > 65000 ||
        eh.e_shoff > (uint64_t)st.st_size ||
        (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) > (uint64_t)st.st_size - eh.e_shoff) {
        rc = 0;  /* no section headers: a valid ELF without symbols */
        goto cleanup;
    }
    shdrs = malloc((size_t)eh.e_shnum * sizeof *shdrs);
    if (!shdrs) {
        pb_error_set(err, "out of memory reading '%s'", path);
        goto cleanup;
    }
    if (pread_all(fd, shdrs, (size_t)eh.e_shnum * sizeof *shdrs, eh.e_shoff) < 0) {
        saved = errno;
        pb_error_set(err, "cannot read the section headers of '%s'", path);
        pb_error_errno(err, saved);
        goto cleanup;
    }
    for (unsigned want = SHT_DYNSYM;; want = SHT_SYMTAB) {
        size_t missing = 0;
        for (size_t k = 0; k < n; k++)
            missing += !syms[k].found;
        if (!missing)
            break;
        for (size_t i = 0; i < eh.e_shnum; i++)
            if (shdrs[i].sh_type == want)
                scan_table(fd, shdrs, eh.e_shnum, i, (uint64_t)st.st_size, syms, n);
        if (want == SHT_SYMTAB)
            break;
    }
    rc = 0;
cleanup:
    free(shdrs);
    close(fd);
    return rc;
}
