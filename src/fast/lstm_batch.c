/*
 * lstm_batch.c - the batched network (lstm_batch.h) in float64 and float32: the
 * template lstm_batch_tmpl.h instantiated twice, and the precision switch of the
 * explain entry points (explain_fast).
 */
#include "fast/lstm_batch.h"

#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/explain_internal.h"
#include "core/lstm.h"

#define REAL double
#define S(name) name##_d
#define V vd
#define V_W VD_W
#define V_LOAD vd_load
#define V_STORE vd_store
#define V_LOAD_N vd_load_n
#define V_STORE_N vd_store_n
#define V_SELECT vd_select
#define V_SET1 vd_set1
#define V_FMA vd_fma
#define V_GATES vd_lstm_gates
#define V_TANH vd_tanh
#include "fast/lstm_batch_tmpl.h"
#undef REAL
#undef S
#undef V
#undef V_W
#undef V_LOAD
#undef V_STORE
#undef V_LOAD_N
#undef V_STORE_N
#undef V_SELECT
#undef V_SET1
#undef V_FMA
#undef V_GATES
#undef V_TANH

#define REAL float
#define S(name) name##_f
#define V vf
#define V_W VF_W
#define V_LOAD vf_load
#define V_STORE vf_store
#define V_LOAD_N vf_load_n
#define V_STORE_N vf_store_n
#define V_SELECT vf_select
#define V_SET1 vf_set1
#define V_FMA vf_fma
#define V_GATES vf_lstm_gates
#define V_TANH vf_tanh
#include "fast/lstm_batch_tmpl.h"

// ----------------------------------------------------------------------------
// precision switch

void explain_work_init(explain_work *w)
{
    lb_work_init_d(&w->d);
    lb_work_init_f(&w->f);
}

void explain_work_free(explain_work *w)
{
    lb_work_free_d(&w->d);
    lb_work_free_f(&w->f);
}

lrp_status explain_fast(const lrp_model *m, explain_work *w, size_t n, const lrp_sentence *sentences,
                        const lrp_options *o, lrp_result *const *out, lrp_error *err)
{
    if (o->precision == LRP_F32) {
        const lb_pack_f *p = model_pack_f(m, err);
        return p ? lb_explain_f(p, m, &w->f, n, sentences, o, out, err) : LRP_ERR_NOMEM;
    }
    const lb_pack_d *p = model_pack_d(m, err);
    return p ? lb_explain_d(p, m, &w->d, n, sentences, o, out, err) : LRP_ERR_NOMEM;
}
