<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>AgreementDashboard</name>
    <message>
        <source>F1 exact</source>
        <translation>F1 تطابق تام</translation>
    </message>
    <message>
        <source>F1 overlap</source>
        <translation>F1 تداخل</translation>
    </message>
    <message>
        <source>Cohen κ</source>
        <translation>كابا كوهين κ</translation>
    </message>
    <message>
        <source>Fleiss κ</source>
        <translation>كابا فلايس κ</translation>
    </message>
    <message>
        <source>α nominal</source>
        <translation>ألفا الاسمية α</translation>
    </message>
    <message>
        <source>α_u</source>
        <translation>ألفا للتقطيع α_u</translation>
    </message>
    <message>
        <source>F1, exact match</source>
        <translation>F1، تطابق تام</translation>
    </message>
    <message>
        <source>F1, overlap match</source>
        <translation>F1، تطابق بالتداخل</translation>
    </message>
    <message>
        <source>Cohen κ (tokens)</source>
        <translation>كابا كوهين κ (على مستوى الكلمات)</translation>
    </message>
    <message>
        <source>— undefined: there is nothing for the measure to compare. F1 has no spans from either annotator; κ and α see only one category on every token (chance agreement is then total and the formula divides by zero); Fleiss&apos; κ and α_u also need documents worked on by every chosen annotator. An undefined measure is shown as such, never as 0 or 1, which would claim complete disagreement or perfect agreement.</source>
        <translation>— غير معرَّف: لا شيء يقارنه المقياس. لا يجد F1 وسومًا لدى أيٍّ من المُعلِّمَين؛ ولا ترى κ وα إلا فئة واحدة على كل كلمة (فيكون اتفاق الصدفة تامًّا وتقسم الصيغة على صفر)؛ وتحتاج κ فلايس وα_u أيضًا إلى مستندات عمل عليها كل المُعلِّمين المختارين. يُعرض المقياس غير المعرَّف كما هو، لا صفرًا ولا واحدًا، لأن ذلك يدّعي خلافًا تامًّا أو اتفاقًا كاملًا.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(لا شيء)</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>اتفاق المُعلِّمين</translation>
    </message>
    <message>
        <source>&amp;Compute</source>
        <translation>&amp;احسب</translation>
    </message>
    <message>
        <source>&amp;Save report…</source>
        <translation>&amp;احفظ التقرير…</translation>
    </message>
    <message>
        <source>Annotators</source>
        <translation>المُعلِّمون</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>المقاييس</translation>
    </message>
    <message>
        <source>Pairs</source>
        <translation>الأزواج</translation>
    </message>
    <message>
        <source>Confusion</source>
        <translation>مصفوفة الالتباس</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>المستندات</translation>
    </message>
    <message>
        <source>Computing agreement…</source>
        <translation>جارٍ حساب الاتفاق…</translation>
    </message>
    <message>
        <source>Agreement not computed: cancelled.</source>
        <translation>لم يُحسب الاتفاق: أُلغيت العملية.</translation>
    </message>
    <message>
        <source>Cannot compute agreement: {reason}</source>
        <translation>تعذّر حساب الاتفاق: {reason}</translation>
    </message>
    <message>
        <source>{annotators} · {n} documents worked on by at least two of them · — means undefined (nothing to compare), never 0 or 1</source>
        <translation>{annotators} · {n} مستندًا عمل عليها اثنان منهم على الأقل · — تعني غير معرَّف (لا شيء للمقارنة)، لا صفرًا ولا واحدًا</translation>
    </message>
    <message>
        <source>Save agreement report</source>
        <translation>حفظ تقرير الاتفاق</translation>
    </message>
    <message>
        <source>HTML (*.html)</source>
        <translation>صفحة HTML (*.html)</translation>
    </message>
    <message>
        <source>Save report</source>
        <translation>حفظ التقرير</translation>
    </message>
    <message>
        <source>Cannot write {name}: {reason}</source>
        <translation>تعذّرت كتابة {name}: {reason}</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>المراجعة</translation>
    </message>
</context>
<context>
    <name>AnnotateAll</name>
    <message>
        <source>Annotate all: {count} × {label}</source>
        <translation>وسم كل المواضع: {count} × {label}</translation>
    </message>
</context>
<context>
    <name>AnnotateAllDialog</name>
    <message>
        <source>Annotate all occurrences</source>
        <translation>وسم كل المواضع</translation>
    </message>
    <message>
        <source>Tag every occurrence of «{text}» as {label}.</source>
        <translation>وسم كل مواضع «{text}» بـ{label}.</translation>
    </message>
    <message>
        <source>This document</source>
        <translation>هذا المستند</translation>
    </message>
    <message>
        <source>Whole corpus</source>
        <translation>المدوّنة كلها</translation>
    </message>
    <message>
        <source>{count} new occurrences will be tagged; {tagged} already tagged are left alone.</source>
        <translation>سيُوسم {count} موضعًا جديدًا؛ وتُترك {tagged} مواضع موسومة من قبل كما هي.</translation>
    </message>
    <message>
        <source>{title}: {count}</source>
        <translation>{title}: {count}</translation>
    </message>
    <message>
        <source>… and {more} more documents</source>
        <translation>… و{more} مستندات أخرى</translation>
    </message>
    <message>
        <source>Tag {count}</source>
        <translation>وسم {count}</translation>
    </message>
    <message>
        <source>Read-only ({reason}): nothing was changed.</source>
        <translation>للقراءة فقط ({reason}): لم يتغيّر شيء.</translation>
    </message>
    <message>
        <source>Select a span first: its text is what gets tagged everywhere.</source>
        <translation>حدِّد وسمًا أولًا: نصُّه هو ما سيُوسم في كل مكان.</translation>
    </message>
    <message>
        <source>Tagged {count} occurrences.</source>
        <translation>وُسم {count} موضعًا.</translation>
    </message>
</context>
<context>
    <name>AnnotationSession</name>
    <message>
        <source>{n} spans&apos; stored text differs from the document (flagged in red in the span list)</source>
        <translation>النص المحفوظ لـ{n} من الوسوم يختلف عن نص المستند (معلَّمة بالأحمر في قائمة الوسوم)</translation>
    </message>
</context>
<context>
    <name>Backups</name>
    <message>
        <source>Backed up ({name})</source>
        <translation>أُخذت نسخة احتياطية ({name})</translation>
    </message>
    <message>
        <source>No backup was taken: {reason}</source>
        <translation>لم تؤخذ نسخة احتياطية: {reason}</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Tag {label}</source>
        <translation>وسم بـ{label}</translation>
    </message>
    <message>
        <source>Delete {label}</source>
        <translation>حذف وسم {label}</translation>
    </message>
    <message>
        <source>Retag as {label}</source>
        <translation>إعادة الوسم بـ{label}</translation>
    </message>
    <message>
        <source>Edit attributes</source>
        <translation>تحرير السمات</translation>
    </message>
    <message>
        <source>Change span boundaries</source>
        <translation>تغيير حدود الوسم</translation>
    </message>
    <message>
        <source>Mark {status}</source>
        <translation>تعليم المستند: {status}</translation>
    </message>
</context>
<context>
    <name>CorpusSearch</name>
    <message>
        <source>Document</source>
        <translation>المستند</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>المعرِّف</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>النتائج</translation>
    </message>
    <message>
        <source>Search the corpus</source>
        <translation>البحث في المدوّنة</translation>
    </message>
    <message>
        <source>Words to find in every document…</source>
        <translation>كلمات للبحث عنها في كل المستندات…</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>ابحث</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>جارٍ البحث…</translation>
    </message>
    <message>
        <source>Search cancelled.</source>
        <translation>أُلغي البحث.</translation>
    </message>
    <message>
        <source>{hits} hits in {documents} documents</source>
        <translation>{hits} نتيجة في {documents} مستندًا</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>Tawsim projects (*.tawsim);;All files (*)</source>
        <translation>مشاريع توسيم (*.tawsim);;كل الملفات (*)</translation>
    </message>
    <message>
        <source>All files (*);;Articles (*.txt *.jsonl *.csv *.tsv *.conll *.ann *.json *.xmi)</source>
        <translation>كل الملفات (*);;مقالات (*.txt *.jsonl *.csv *.tsv *.conll *.ann *.json *.xmi)</translation>
    </message>
    <message>
        <source>Who is annotating?</source>
        <translation>مَن يقوم بالتعليم؟</translation>
    </message>
    <message>
        <source>Your name (each span is saved under it):</source>
        <translation>اسمك (يُحفظ كل وسم باسمك):</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>مشروع جديد</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>فتح مشروع</translation>
    </message>
    <message>
        <source>Cannot open project</source>
        <translation>تعذّر فتح المشروع</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(لا شيء بعد)</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>استيراد</translation>
    </message>
    <message>
        <source>Import a folder</source>
        <translation>استيراد مجلد</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>جارٍ الاستيراد…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>تصدير</translation>
    </message>
    <message>
        <source>Save a copy as</source>
        <translation>حفظ نسخة باسم</translation>
    </message>
    <message>
        <source>Save a copy</source>
        <translation>حفظ نسخة</translation>
    </message>
    <message>
        <source>Saved a copy to {path}.

Go on working in the copy?</source>
        <translation>حُفظت نسخة في {path}.

هل تتابع العمل في النسخة؟</translation>
    </message>
    <message>
        <source>Tagging (in the article):</source>
        <translation>الوسم (في المقال):</translation>
    </message>
    <message>
        <source>  select text with the mouse or Shift+arrows, then press a label key</source>
        <translation>  حدِّد النص بالفأرة أو بـShift+الأسهم، ثم اضغط مفتاح التسمية</translation>
    </message>
    <message>
        <source>  1–4 or the label&apos;s letter: tag the selection (snapped to whole words)</source>
        <translation>  1–4 أو حرف التسمية: وسم التحديد (مضبوطًا على كلمات كاملة)</translation>
    </message>
    <message>
        <source>  Alt + label key: tag exactly the selected characters</source>
        <translation>  Alt + مفتاح التسمية: وسم الأحرف المحددة بالضبط</translation>
    </message>
    <message>
        <source>  click a highlight: select that span (click again to reach an overlapped one)</source>
        <translation>  انقر على تظليل: تحديد ذلك الوسم (انقر ثانيةً للوصول إلى وسم متداخل)</translation>
    </message>
    <message>
        <source>  Tab / Shift+Tab: next / previous span</source>
        <translation>  Tab / Shift+Tab: الوسم التالي / السابق</translation>
    </message>
    <message>
        <source>  a label key with a span selected: retag it</source>
        <translation>  مفتاح تسمية مع وسم محدد: إعادة وسمه</translation>
    </message>
    <message>
        <source>  Delete: delete the selected span · F2: edit its attributes</source>
        <translation>  Delete: حذف الوسم المحدد · F2: تحرير سماته</translation>
    </message>
    <message>
        <source>Review window (Team → Review and adjudicate…; F1 there lists all its keys):</source>
        <translation>نافذة المراجعة (الفريق ← المراجعة والفصل…؛ يعرض F1 فيها كل مفاتيحها):</translation>
    </message>
    <message>
        <source>  F8 / Shift+F8: next / previous disagreement · Ctrl+1…9: accept that version</source>
        <translation>  F8 / Shift+F8: الخلاف التالي / السابق · Ctrl+1…9: قبول تلك النسخة</translation>
    </message>
    <message>
        <source>  Ctrl+Delete: reject · Ctrl+Return: adjudication done, next document</source>
        <translation>  Ctrl+Delete: رفض · Ctrl+Return: تمّ الفصل، المستند التالي</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>اختصارات لوحة المفاتيح</translation>
    </message>
    <message>
        <source>About Tawsim</source>
        <translation>عن توسيم</translation>
    </message>
    <message>
        <source>Tawsim {version} — offline annotation of Arabic news.
Every action is saved the moment you make it.</source>
        <translation>توسيم {version} — تعليم الأخبار العربية دون اتصال.
يُحفظ كل إجراء لحظة القيام به.</translation>
    </message>
</context>
<context>
    <name>DisagreementModel</name>
    <message>
        <source>label</source>
        <translation>التسمية</translation>
    </message>
    <message>
        <source>boundary</source>
        <translation>الحدود</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>ناقص</translation>
    </message>
    <message>
        <source>agreed</source>
        <translation>متفق عليه</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>النوع</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>النص</translation>
    </message>
</context>
<context>
    <name>DocumentList</name>
    <message>
        <source>All documents</source>
        <translation>كل المستندات</translation>
    </message>
    <message>
        <source>Unfinished</source>
        <translation>غير المنتهية</translation>
    </message>
    <message>
        <source>New</source>
        <translation>جديدة</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>قيد العمل</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>منتهية</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>متخطّاة</translation>
    </message>
    <message>
        <source>Filter by title or id…</source>
        <translation>تصفية حسب العنوان أو المعرِّف…</translation>
    </message>
</context>
<context>
    <name>DocumentListModel</name>
    <message>
        <source>Title</source>
        <translation>العنوان</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Spans</source>
        <translation>الوسوم</translation>
    </message>
    <message>
        <source>{id} · {n} characters</source>
        <translation>{id} · {n} حرفًا</translation>
    </message>
</context>
<context>
    <name>DocumentsModel</name>
    <message>
        <source>annotators: {names}</source>
        <translation>المُعلِّمون: {names}</translation>
    </message>
    <message>
        <source>document</source>
        <translation>المستند</translation>
    </message>
    <message>
        <source>title</source>
        <translation>العنوان</translation>
    </message>
    <message>
        <source>unmatched spans</source>
        <translation>وسوم غير متطابقة</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>تصدير</translation>
    </message>
    <message>
        <source>Every layer</source>
        <translation>كل الطبقات</translation>
    </message>
    <message>
        <source>Annotator: {name}</source>
        <translation>المُعلِّم: {name}</translation>
    </message>
    <message>
        <source>Gold standard ({name})</source>
        <translation>المعيار الذهبي ({name})</translation>
    </message>
    <message>
        <source>Only documents marked done</source>
        <translation>المستندات المنتهية فقط</translation>
    </message>
    <message>
        <source>Separate token and tag with a TAB</source>
        <translation>افصل الكلمة عن الوسم بمحرف TAB</translation>
    </message>
    <message>
        <source>UTF-16 units (what doccano counts)</source>
        <translation>وحدات UTF-16 (ما يعدّه doccano)</translation>
    </message>
    <message>
        <source>Code points</source>
        <translation>نقاط الترميز</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>استعراض…</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>الصيغة</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>الطبقة</translation>
    </message>
    <message>
        <source>doccano offsets</source>
        <translation>مواضع doccano</translation>
    </message>
    <message>
        <source>doccano shape</source>
        <translation>شكل سجلات doccano</translation>
    </message>
    <message>
        <source>Save to</source>
        <translation>الحفظ في</translation>
    </message>
    <message>
        <source>Export into a new folder</source>
        <translation>التصدير إلى مجلد جديد</translation>
    </message>
    <message>
        <source>Folder (*)</source>
        <translation>مجلد (*)</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>التصدير إلى</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>جارٍ التصدير…</translation>
    </message>
    <message>
        <source>Export cancelled: nothing was written.</source>
        <translation>أُلغي التصدير: لم يُكتب شيء.</translation>
    </message>
    <message>
        <source>Export failed: {reason}</source>
        <translation>فشل التصدير: {reason}</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find in article…</source>
        <translation>بحث في المقال…</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>السابق</translation>
    </message>
    <message>
        <source>Previous hit (Shift+F3)</source>
        <translation>النتيجة السابقة (Shift+F3)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>التالي</translation>
    </message>
    <message>
        <source>Next hit (F3)</source>
        <translation>النتيجة التالية (F3)</translation>
    </message>
    <message>
        <source>Whole corpus…</source>
        <translation>المدوّنة كلها…</translation>
    </message>
    <message>
        <source>Search every document (Ctrl+Shift+F)</source>
        <translation>البحث في كل المستندات (Ctrl+Shift+F)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>إغلاق (Esc)</translation>
    </message>
    <message>
        <source>No hits</source>
        <translation>لا نتائج</translation>
    </message>
    <message>
        <source>{current} / {total}</source>
        <translation>{current} / {total}</translation>
    </message>
</context>
<context>
    <name>GoldEditor</name>
    <message>
        <source>Gold already has this span.</source>
        <translation>هذا الوسم موجود في الطبقة الذهبية.</translation>
    </message>
    <message>
        <source>Select some text in the gold view first, then press a label key.</source>
        <translation>حدِّد نصًّا في العرض الذهبي أولًا، ثم اضغط مفتاح تسمية.</translation>
    </message>
</context>
<context>
    <name>HeatmapModel</name>
    <message>
        <source>{a} – {b}: {value} over {n} documents</source>
        <translation>{a} – {b}: {value} على {n} مستندًا</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import</source>
        <translation>استيراد</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>إضافة ملفات…</translation>
    </message>
    <message>
        <source>Add a folder…</source>
        <translation>إضافة مجلد…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Recognize each file&apos;s format</source>
        <translation>التعرّف على صيغة كل ملف</translation>
    </message>
    <message>
        <source>Layer for spans whose file does not name their annotator</source>
        <translation>الطبقة للوسوم التي لا يذكر ملفها مُعلِّمها</translation>
    </message>
    <message>
        <source>Create labels this project does not have</source>
        <translation>إنشاء التسميات غير الموجودة في المشروع</translation>
    </message>
    <message>
        <source>Import spans as suggestions (to accept or reject)</source>
        <translation>استيراد الوسوم اقتراحاتٍ (للقبول أو الرفض)</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>الصيغة</translation>
    </message>
    <message>
        <source>Annotator</source>
        <translation>المُعلِّم</translation>
    </message>
    <message>
        <source>Add files, then Preview to see what will be imported.</source>
        <translation>أضف ملفات، ثم «معاينة» لترى ما سيُستورد.</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>معاينة</translation>
    </message>
    <message>
        <source>Import files</source>
        <translation>استيراد ملفات</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>كل الملفات (*)</translation>
    </message>
    <message>
        <source>Import a folder</source>
        <translation>استيراد مجلد</translation>
    </message>
    <message>
        <source>Settings changed: Preview again before importing.</source>
        <translation>تغيّرت الإعدادات: عاين مجددًا قبل الاستيراد.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>جارٍ الفحص…</translation>
    </message>
    <message>
        <source>Cannot import: {reason}</source>
        <translation>تعذّر الاستيراد: {reason}</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>جارٍ الاستيراد…</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>لم يُعثر على شيء</translation>
    </message>
    <message>
        <source>Files: {files}</source>
        <translation>الملفات: {files}</translation>
    </message>
    <message>
        <source>New documents: {n}</source>
        <translation>مستندات جديدة: {n}</translation>
    </message>
    <message>
        <source>Already in the project (spans merged): {n}</source>
        <translation>موجودة في المشروع (دُمجت وسومها): {n}</translation>
    </message>
    <message>
        <source>Spans: {n}</source>
        <translation>الوسوم: {n}</translation>
    </message>
    <message>
        <source>Layers: {layers}</source>
        <translation>الطبقات: {layers}</translation>
    </message>
    <message>
        <source>Unknown labels: {names} (tick “Create labels” to add them)</source>
        <translation>تسميات غير معروفة: {names} (فعّل «إنشاء التسميات» لإضافتها)</translation>
    </message>
    <message>
        <source>Preview cancelled: the figures above cover only part of the input.</source>
        <translation>أُلغيت المعاينة: الأرقام أعلاه تغطي جزءًا من المدخلات فقط.</translation>
    </message>
    <message>
        <source>Problems: {n}</source>
        <translation>المشكلات: {n}</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… و{n} غيرها</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>ملاحظة: {note}</translation>
    </message>
</context>
<context>
    <name>LabelBar</name>
    <message>
        <source>Tag:</source>
        <translation>وسم:</translation>
    </message>
</context>
<context>
    <name>LabelEditor</name>
    <message>
        <source>Labels</source>
        <translation>التسميات</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>المعرِّف</translation>
    </message>
    <message>
        <source>Arabic name</source>
        <translation>الاسم العربي</translation>
    </message>
    <message>
        <source>English name</source>
        <translation>الاسم الإنجليزي</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>اللون</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>المفاتيح</translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation>السمات</translation>
    </message>
    <message>
        <source>Add label</source>
        <translation>إضافة تسمية</translation>
    </message>
    <message>
        <source>Double-click to choose a colour</source>
        <translation>انقر مرتين لاختيار لون</translation>
    </message>
    <message>
        <source>Label colour</source>
        <translation>لون التسمية</translation>
    </message>
    <message>
        <source>Two labels have the same id.</source>
        <translation>لتسميتين المعرِّف نفسه.</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <source>Accept this version  [{keys}]</source>
        <translation>قبول هذه النسخة  [{keys}]</translation>
    </message>
    <message>
        <source>· {n} spans</source>
        <translation>· {n} وسمًا</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Annotator: {name}</source>
        <translation>المُعلِّم: {name}</translation>
    </message>
    <message>
        <source>Tawsim — {name}</source>
        <translation>توسيم — {name}</translation>
    </message>
    <message>
        <source>Every document is done or skipped. Well done!</source>
        <translation>كل المستندات منتهية أو متخطّاة. أحسنت!</translation>
    </message>
    <message>
        <source>Already tagged with this label.</source>
        <translation>موسوم بهذه التسمية من قبل.</translation>
    </message>
    <message>
        <source>Select some text first, then press a label key.</source>
        <translation>حدِّد نصًّا أولًا، ثم اضغط مفتاح تسمية.</translation>
    </message>
    <message>
        <source>No documents — use File → Import.</source>
        <translation>لا مستندات — استخدم ملف ← استيراد.</translation>
    </message>
    <message>
        <source>{title} · {status} · {spans} spans · done {done}/{total}</source>
        <translation>{title} · {status} · {spans} وسمًا · المنتهية {done}/{total}</translation>
    </message>
</context>
<context>
    <name>MeasuresModel</name>
    <message>
        <source>overall</source>
        <translation>الإجمالي</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;Language</source>
        <translation>ال&amp;لغة</translation>
    </message>
    <message>
        <source>&amp;Arabic</source>
        <translation>&amp;العربية</translation>
    </message>
    <message>
        <source>&amp;English</source>
        <translation>ال&amp;إنجليزية</translation>
    </message>
    <message>
        <source>&amp;System language</source>
        <translation>&amp;لغة النظام</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;ملف</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;تحرير</translation>
    </message>
    <message>
        <source>&amp;Document</source>
        <translation>م&amp;ستند</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;عرض</translation>
    </message>
    <message>
        <source>&amp;Team</source>
        <translation>&amp;فريق</translation>
    </message>
    <message>
        <source>S&amp;uggestions</source>
        <translation>الا&amp;قتراحات</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>م&amp;ساعدة</translation>
    </message>
    <message>
        <source>&amp;New project…</source>
        <translation>مشروع &amp;جديد…</translation>
    </message>
    <message>
        <source>&amp;Open project…</source>
        <translation>&amp;فتح مشروع…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>فتح &amp;حديث</translation>
    </message>
    <message>
        <source>&amp;Import files…</source>
        <translation>ا&amp;ستيراد ملفات…</translation>
    </message>
    <message>
        <source>Import a &amp;folder…</source>
        <translation>استيراد م&amp;جلد…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;تصدير…</translation>
    </message>
    <message>
        <source>Create &amp;work packages…</source>
        <translation>إنشاء &amp;حزم عمل…</translation>
    </message>
    <message>
        <source>&amp;Merge annotators&apos; projects…</source>
        <translation>&amp;دمج مشاريع المُعلِّمين…</translation>
    </message>
    <message>
        <source>Save a &amp;copy as…</source>
        <translation>حفظ &amp;نسخة باسم…</translation>
    </message>
    <message>
        <source>Restore a &amp;backup…</source>
        <translation>استعادة نسخة &amp;احتياطية…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;خروج</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>ت&amp;راجع</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>إ&amp;عادة</translation>
    </message>
    <message>
        <source>&amp;Delete span</source>
        <translation>&amp;حذف الوسم</translation>
    </message>
    <message>
        <source>Edit span &amp;attributes</source>
        <translation>تحرير &amp;سمات الوسم</translation>
    </message>
    <message>
        <source>&amp;Labels…</source>
        <translation>ال&amp;تسميات…</translation>
    </message>
    <message>
        <source>&amp;Find in article…</source>
        <translation>&amp;بحث في المقال…</translation>
    </message>
    <message>
        <source>Find &amp;next</source>
        <translation>النتيجة ال&amp;تالية</translation>
    </message>
    <message>
        <source>Find pre&amp;vious</source>
        <translation>النتيجة ال&amp;سابقة</translation>
    </message>
    <message>
        <source>&amp;Search corpus…</source>
        <translation>البحث في ال&amp;مدوّنة…</translation>
    </message>
    <message>
        <source>Annotate all &amp;occurrences…</source>
        <translation>وسم &amp;كل المواضع…</translation>
    </message>
    <message>
        <source>Leave out &amp;proclitics (و ف ب ل ك) from names</source>
        <translation>استبعاد ال&amp;سوابق (و ف ب ل ك) من الأسماء</translation>
    </message>
    <message>
        <source>Mark &amp;done and go to next</source>
        <translation>تعليم المستند &amp;منتهيًا والانتقال إلى التالي</translation>
    </message>
    <message>
        <source>&amp;Skip and go to next</source>
        <translation>&amp;تخطٍّ والانتقال إلى التالي</translation>
    </message>
    <message>
        <source>Mark &amp;in progress</source>
        <translation>تعليم المستند &amp;قيد العمل</translation>
    </message>
    <message>
        <source>&amp;Next document</source>
        <translation>المستند ال&amp;تالي</translation>
    </message>
    <message>
        <source>&amp;Previous document</source>
        <translation>المستند ال&amp;سابق</translation>
    </message>
    <message>
        <source>Next &amp;unfinished</source>
        <translation>غير المنتهي ال&amp;تالي</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>ت&amp;كبير</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>ت&amp;صغير</translation>
    </message>
    <message>
        <source>Go to document &amp;list</source>
        <translation>الانتقال إلى &amp;قائمة المستندات</translation>
    </message>
    <message>
        <source>Go to &amp;article</source>
        <translation>الانتقال إلى ال&amp;مقال</translation>
    </message>
    <message>
        <source>Go to &amp;span list</source>
        <translation>الانتقال إلى قائمة ال&amp;وسوم</translation>
    </message>
    <message>
        <source>&amp;Agreement…</source>
        <translation>&amp;اتفاق المُعلِّمين…</translation>
    </message>
    <message>
        <source>&amp;Review and adjudicate…</source>
        <translation>ال&amp;مراجعة والفصل…</translation>
    </message>
    <message>
        <source>&amp;Show suggestions</source>
        <translation>&amp;إظهار الاقتراحات</translation>
    </message>
    <message>
        <source>&amp;Accept suggestion</source>
        <translation>&amp;قبول الاقتراح</translation>
    </message>
    <message>
        <source>&amp;Reject suggestion</source>
        <translation>&amp;رفض الاقتراح</translation>
    </message>
    <message>
        <source>&amp;Next suggestion</source>
        <translation>الاقتراح ال&amp;تالي</translation>
    </message>
    <message>
        <source>&amp;Previous suggestion</source>
        <translation>الاقتراح ال&amp;سابق</translation>
    </message>
    <message>
        <source>Accept a&amp;ll in this document</source>
        <translation>قبول ال&amp;كل في هذا المستند</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>اختصارات لوحة ال&amp;مفاتيح</translation>
    </message>
    <message>
        <source>&amp;About Tawsim</source>
        <translation>&amp;عن توسيم</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Merge annotators&apos; projects</source>
        <translation>دمج مشاريع المُعلِّمين</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>إضافة ملفات…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>دمج</translation>
    </message>
    <message>
        <source>Annotators&apos; project files (each merges whole, or not at all):</source>
        <translation>ملفات مشاريع المُعلِّمين (يُدمج كل ملف كاملًا أو لا يُدمج):</translation>
    </message>
    <message>
        <source>Annotators&apos; projects</source>
        <translation>مشاريع المُعلِّمين</translation>
    </message>
    <message>
        <source>Tawsim projects (*.tawsim);;All files (*)</source>
        <translation>مشاريع توسيم (*.tawsim);;كل الملفات (*)</translation>
    </message>
    <message>
        <source>Merging {name}…</source>
        <translation>جارٍ دمج {name}…</translation>
    </message>
    <message>
        <source>NOT MERGED: {reason}</source>
        <translation>لم يُدمج: {reason}</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>… and {count} more</source>
        <translation>… و{count} غيرها</translation>
    </message>
    <message>
        <source>{file} ({annotator})</source>
        <translation>{file} ({annotator})</translation>
    </message>
    <message>
        <source>kept the package&apos;s version, the later change</source>
        <translation>أُبقيت نسخة الحزمة، وهي التغيير الأحدث</translation>
    </message>
    <message>
        <source>kept the project&apos;s version, the later change</source>
        <translation>أُبقيت نسخة المشروع، وهي التغيير الأحدث</translation>
    </message>
    <message>
        <source>{file}:{line}: {reason}</source>
        <translation>الملف {file}، السطر {line}: {reason}</translation>
    </message>
    <message>
        <source>{file}: {reason}</source>
        <translation>الملف {file}: {reason}</translation>
    </message>
    <message>
        <source>{document}: {reason}</source>
        <translation>المستند {document}: {reason}</translation>
    </message>
    <message>
        <source>Import finished: imported {documents} documents ({spans} spans), {duplicates} duplicates, {rejected} rejected</source>
        <translation>انتهى الاستيراد: المستندات المستوردة {documents} (وسومها {spans})، والمكررة {duplicates}، والمرفوضة {rejected}</translation>
    </message>
    <message>
        <source>; unknown labels {names} (add them, or import with --create-labels)</source>
        <translation>؛ تسميات غير معروفة: {names} (أضفها، أو استورد مع تفعيل «إنشاء التسميات»)</translation>
    </message>
    <message>
        <source>; created labels {names}</source>
        <translation>؛ التسميات المُنشأة: {names}</translation>
    </message>
    <message>
        <source> — cancelled</source>
        <translation> — أُلغي</translation>
    </message>
    <message>
        <source>rejected: {reason}</source>
        <translation>مرفوض: {reason}</translation>
    </message>
    <message>
        <source>Export finished: exported {documents} documents, {spans} spans to {path}</source>
        <translation>انتهى التصدير: المستندات المصدَّرة {documents}، والوسوم {spans}، إلى {path}</translation>
    </message>
    <message>
        <source>; {count} things the format cannot hold were left out (listed in {path})</source>
        <translation>؛ واستُبعد ما لا تتسع له الصيغة، وعدده {count} (مُدرج في {path})</translation>
    </message>
    <message>
        <source>left out: {reason}</source>
        <translation>مستبعَد: {reason}</translation>
    </message>
    <message>
        <source>… and {count} more (see {path})</source>
        <translation>… و{count} غيرها (انظر {path})</translation>
    </message>
    <message>
        <source>{documents} documents, {shared} of them shared by every annotator ({packages} packages)</source>
        <translation>المستندات: {documents}، منها {shared} مشتركة بين كل المُعلِّمين (حزم العمل: {packages})</translation>
    </message>
    <message>
        <source>{annotator}: {documents} documents, {spans} pre-annotated spans -&gt; {path}</source>
        <translation>{annotator}: المستندات {documents}، والوسوم المقترحة مسبقًا {spans} ← {path}</translation>
    </message>
    <message>
        <source>{file}: nothing new to merge ({documents} documents)</source>
        <translation>{file}: لا جديد للدمج (المستندات: {documents})</translation>
    </message>
    <message>
        <source>{file}: {documents} documents ({new} new), spans {added} added, {updated} updated, {deleted} deleted; {statuses} statuses, {comments} comments, {changes} log entries; {conflicts} conflicts</source>
        <translation>{file}: المستندات {documents} (الجديدة منها {new})، الوسوم: أُضيف {added}، وعُدِّل {updated}، وحُذف {deleted}؛ الحالات {statuses}، والتعليقات {comments}، وقيود السجل {changes}؛ التعارضات {conflicts}</translation>
    </message>
    <message>
        <source>conflict: {document}: {item} {how}; {kept} (package {package_at}, project {project_at})</source>
        <translation>تعارض: {document}: {item} {how}؛ {kept} (الحزمة {package_at}، المشروع {project_at})</translation>
    </message>
    <message>
        <source>labels added: {names}</source>
        <translation>التسميات المضافة: {names}</translation>
    </message>
    <message>
        <source>note: {note}</source>
        <translation>ملاحظة: {note}</translation>
    </message>
    <message>
        <source>… and {count} more conflicts</source>
        <translation>… و{count} تعارضات أخرى</translation>
    </message>
    <message>
        <source>{annotator} on {host} since {since} UTC</source>
        <translation>{annotator} على الجهاز {host} منذ {since} (بالتوقيت العالمي)</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>القرص ممتلئ</translation>
    </message>
    <message>
        <source>the disk reported an error</source>
        <translation>أبلغ القرص عن خطأ</translation>
    </message>
    <message>
        <source>the file cannot be written (read-only)</source>
        <translation>لا يمكن الكتابة في الملف (للقراءة فقط)</translation>
    </message>
    <message>
        <source>a file beside the project cannot be created</source>
        <translation>تعذّر إنشاء ملف بجانب المشروع</translation>
    </message>
    <message>
        <source>{path} is in use by {holder}. Open it read-only, or try later.</source>
        <translation>المشروع {path} يستخدمه {holder}. افتحه للقراءة فقط، أو حاول لاحقًا.</translation>
    </message>
    <message>
        <source>{path} is being opened by another instance right now; try again.</source>
        <translation>نسخة أخرى من البرنامج تفتح المشروع {path} الآن؛ حاول مرة أخرى.</translation>
    </message>
    <message>
        <source>{path} was written by a newer Tawsim (schema {found}; this version reads up to {known}). Update Tawsim to open it; the file was not changed.</source>
        <translation>كُتب المشروع {path} بإصدار أحدث من توسيم (المخطط {found}، وهذا الإصدار يقرأ حتى {known}). حدّث توسيم لتفتحه؛ لم يتغيّر الملف.</translation>
    </message>
    <message>
        <source>{path} cannot be written (read-only): nothing was changed.</source>
        <translation>لا يمكن الكتابة في {path} (للقراءة فقط): لم يتغيّر شيء.</translation>
    </message>
    <message>
        <source>{path}: could not save: {cause}. Nothing of this action was stored.</source>
        <translation>{path}: تعذّر الحفظ: {cause}. لم يُحفظ شيء من هذا الإجراء.</translation>
    </message>
    <message>
        <source>{path} is not a Tawsim project, or the file is damaged.</source>
        <translation>الملف {path} ليس مشروع توسيم، أو أنه تالف.</translation>
    </message>
    <message>
        <source>The backup could not be written ({path}); the project itself is unharmed.</source>
        <translation>تعذّرت كتابة النسخة الاحتياطية ({path})؛ المشروع نفسه سليم.</translation>
    </message>
    <message>
        <source>The project refused this: {reason}</source>
        <translation>رفض المشروع هذا الإجراء: {reason}</translation>
    </message>
    <message>
        <source>Details: {details}</source>
        <translation>التفاصيل: {details}</translation>
    </message>
    <message>
        <source>{path}: the backup failed ({reason})</source>
        <translation>{path}: فشل أخذ النسخة الاحتياطية ({reason})</translation>
    </message>
</context>
<context>
    <name>PackageDialog</name>
    <message>
        <source>Create work packages</source>
        <translation>إنشاء حزم العمل</translation>
    </message>
    <message>
        <source>amal, bilal, salma</source>
        <translation>أمل, بلال, سلمى</translation>
    </message>
    <message>
        <source>Documents every annotator gets, so that agreement can be measured</source>
        <translation>مستندات يأخذها كل المُعلِّمين، ليمكن قياس الاتفاق</translation>
    </message>
    <message>
        <source>every document — or ids:1-200, status:done@amal, a title</source>
        <translation>كل المستندات — أو ids:1-200 أو status:done@أمل أو عنوان</translation>
    </message>
    <message>
        <source>The same seed deals the same documents to the same people</source>
        <translation>البذرة نفسها توزّع المستندات نفسها على الأشخاص أنفسهم</translation>
    </message>
    <message>
        <source>Include each annotator&apos;s spans already in the project</source>
        <translation>تضمين وسوم كل مُعلِّم الموجودة في المشروع</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>استعراض…</translation>
    </message>
    <message>
        <source>Annotators</source>
        <translation>المُعلِّمون</translation>
    </message>
    <message>
        <source>Shared by all</source>
        <translation>مشتركة بين الجميع</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>المستندات</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>البذرة</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>المجلد</translation>
    </message>
    <message>
        <source>Create packages</source>
        <translation>إنشاء الحزم</translation>
    </message>
    <message>
        <source>Folder for the packages</source>
        <translation>مجلد الحزم</translation>
    </message>
    <message>
        <source>{n} documents chosen</source>
        <translation>اختير {n} مستندًا</translation>
    </message>
    <message>
        <source>{n} documents: {shared} shared by all, then {each} more for each of {annotators} annotators</source>
        <translation>{n} مستندًا: {shared} مشتركة بين الجميع، ثم {each} أخرى لكل واحد من {annotators} مُعلِّمين</translation>
    </message>
    <message>
        <source>Creating packages…</source>
        <translation>جارٍ إنشاء الحزم…</translation>
    </message>
    <message>
        <source>Work packages</source>
        <translation>حزم العمل</translation>
    </message>
    <message>
        <source>No packages were written: {reason}</source>
        <translation>لم تُكتب أي حزمة: {reason}</translation>
    </message>
</context>
<context>
    <name>Progress</name>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
</context>
<context>
    <name>ReadOnlyBanner</name>
    <message>
        <source>Try again</source>
        <translation>حاول مجددًا</translation>
    </message>
    <message>
        <source>Save a copy as…</source>
        <translation>حفظ نسخة باسم…</translation>
    </message>
</context>
<context>
    <name>ReadOnlyMode</name>
    <message>
        <source>held by {holder}</source>
        <translation>محجوز لدى {holder}</translation>
    </message>
    <message>
        <source>in use by another instance</source>
        <translation>مستخدَم في نسخة أخرى من البرنامج</translation>
    </message>
    <message>
        <source>this file (or its folder) cannot be written</source>
        <translation>لا يمكن الكتابة في هذا الملف (أو مجلده)</translation>
    </message>
    <message>
        <source>Open read-only: {reason}</source>
        <translation>مفتوح للقراءة فقط: {reason}</translation>
    </message>
    <message>
        <source>Editing again.</source>
        <translation>التحرير متاح مجددًا.</translation>
    </message>
    <message>
        <source>Still read-only: {reason}.</source>
        <translation>ما زال للقراءة فقط: {reason}.</translation>
    </message>
    <message>
        <source>The project is yours again: editing is on.</source>
        <translation>المشروع لك مجددًا: التحرير مفعَّل.</translation>
    </message>
    <message>
        <source>Read-only ({reason}): nothing was changed.</source>
        <translation>للقراءة فقط ({reason}): لم يتغيّر شيء.</translation>
    </message>
    <message>
        <source>could not save: {cause}</source>
        <translation>تعذّر الحفظ: {cause}</translation>
    </message>
    <message>
        <source>the project cannot be written</source>
        <translation>لا يمكن الكتابة في المشروع</translation>
    </message>
    <message>
        <source>Could not save</source>
        <translation>تعذّر الحفظ</translation>
    </message>
    <message>
        <source>{text}

Everything done before it is safe in the project. To go on working, save a copy elsewhere (another disk) with File → Save a copy as….</source>
        <translation>{text}

كل ما أُنجز قبل ذلك محفوظ في المشروع. لمتابعة العمل، احفظ نسخة في مكان آخر (قرص آخر) من ملف ← حفظ نسخة باسم….</translation>
    </message>
    <message>
        <source>Save a copy as…</source>
        <translation>حفظ نسخة باسم…</translation>
    </message>
    <message>
        <source>another instance</source>
        <translation>نسخة أخرى من البرنامج</translation>
    </message>
    <message>
        <source>taken over by {holder}</source>
        <translation>استولى عليه {holder}</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>just now</source>
        <translation>الآن</translation>
    </message>
    <message>
        <source>{n} min ago</source>
        <translation>قبل {n} دقيقة</translation>
    </message>
    <message>
        <source>{n} h ago</source>
        <translation>قبل {n} ساعة</translation>
    </message>
    <message>
        <source>{n} days ago</source>
        <translation>قبل {n} يوم</translation>
    </message>
    <message>
        <source>{n} bytes</source>
        <translation>{n} بايت</translation>
    </message>
    <message>
        <source>{n} KB</source>
        <translation>{n} ك.بايت</translation>
    </message>
    <message>
        <source>{n} MB</source>
        <translation>{n} م.بايت</translation>
    </message>
    <message>
        <source>{n} GB</source>
        <translation>{n} غ.بايت</translation>
    </message>
    <message>
        <source>taken before a restore</source>
        <translation>أُخذت قبل استعادة</translation>
    </message>
    <message>
        <source>taken before a schema upgrade</source>
        <translation>أُخذت قبل ترقية بنية الملف</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>تلقائية</translation>
    </message>
    <message>
        <source>Restore a backup</source>
        <translation>استعادة نسخة احتياطية</translation>
    </message>
    <message>
        <source>Backups of {name}, newest first. Restoring one puts it in place of the project; what the project holds now is backed up first, so you can come back to it from this list.</source>
        <translation>النسخ الاحتياطية لـ{name}، الأحدث أولًا. استعادة إحداها تضعها مكان المشروع؛ ويُنسخ ما في المشروع الآن احتياطيًّا أولًا، فيمكنك الرجوع إليه من هذه القائمة.</translation>
    </message>
    <message>
        <source>{name} has no backups yet. One is taken when a project is opened and every few minutes while you work.</source>
        <translation>لا نسخ احتياطية لـ{name} بعد. تؤخذ نسخة عند فتح المشروع وكل بضع دقائق أثناء العمل.</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>وقت الأخذ</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>الحجم</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>النوع</translation>
    </message>
    <message>
        <source>Restore…</source>
        <translation>استعادة…</translation>
    </message>
    <message>
        <source>Put the backup of {when} in place of {name}?

Work done since then leaves the project. What it holds now is backed up first, so you can restore it again from File → Restore a backup….</source>
        <translation>هل تضع نسخة {when} الاحتياطية مكان {name}؟

سيخرج من المشروع ما أُنجز منذ ذلك الحين. يُنسخ ما فيه الآن احتياطيًّا أولًا، فيمكنك استعادته من ملف ← استعادة نسخة احتياطية….</translation>
    </message>
    <message>
        <source>Restored {name} from the backup of {when}.</source>
        <translation>استُعيد {name} من نسخة {when} الاحتياطية.</translation>
    </message>
    <message>
        <source>What it held before was backed up as {name}.</source>
        <translation>نُسخ ما كان فيه احتياطيًّا باسم {name}.</translation>
    </message>
    <message>
        <source>The damaged file was kept as {path}.</source>
        <translation>احتُفظ بالملف التالف باسم {path}.</translation>
    </message>
    <message>
        <source>None of its backups can be restored.</source>
        <translation>لا يمكن استعادة أيٍّ من نسخه الاحتياطية.</translation>
    </message>
    <message>
        <source>It has no backups.</source>
        <translation>ليست له نسخ احتياطية.</translation>
    </message>
    <message>
        <source>Cannot open project</source>
        <translation>تعذّر فتح المشروع</translation>
    </message>
    <message>
        <source>Restore to a new file</source>
        <translation>الاستعادة إلى ملف جديد</translation>
    </message>
    <message>
        <source>Tawsim projects (*.tawsim)</source>
        <translation>مشاريع توسيم (*.tawsim)</translation>
    </message>
    <message>
        <source>(Found while backing it up: part of the open project is unreadable.)</source>
        <translation>(اكتُشف أثناء النسخ الاحتياطي: جزء من المشروع المفتوح غير مقروء.)</translation>
    </message>
    <message>
        <source>The project is damaged</source>
        <translation>المشروع تالف</translation>
    </message>
    <message>
        <source>{message}

The latest good backup is from {when} ({size}, {kind}). Restore it?
Either way the damaged file is kept: restoring over it copies it aside first.</source>
        <translation>{message}

أحدث نسخة احتياطية سليمة من {when} ({size}، {kind}). هل تستعيدها؟
في الحالتين يُحتفظ بالملف التالف: الاستعادة فوقه تنسخه جانبًا أولًا.</translation>
    </message>
    <message>
        <source>Restore over the damaged file</source>
        <translation>الاستعادة فوق الملف التالف</translation>
    </message>
    <message>
        <source>Restore to a new file…</source>
        <translation>الاستعادة إلى ملف جديد…</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>Open a document first: review shows one document at a time.</source>
        <translation>افتح مستندًا أولًا: تعرض المراجعة مستندًا واحدًا في كل مرة.</translation>
    </message>
    <message>
        <source>Review and adjudicate</source>
        <translation>المراجعة والفصل</translation>
    </message>
    <message>
        <source>no annotator has tagged anything yet: there is nothing to review</source>
        <translation>لم يَسِم أي مُعلِّم شيئًا بعد: لا شيء للمراجعة</translation>
    </message>
    <message>
        <source>· {position} of {n} documents to adjudicate</source>
        <translation>· {position} من {n} مستندات للفصل</translation>
    </message>
    <message>
        <source>· {n} documents to adjudicate</source>
        <translation>· {n} مستندات للفصل</translation>
    </message>
</context>
<context>
    <name>ReviewBar</name>
    <message>
        <source>quorum </source>
        <translation>النصاب </translation>
    </message>
    <message>
        <source> of {n}</source>
        <translation> من {n}</translation>
    </message>
    <message>
        <source>Accept all agreed</source>
        <translation>قبول كل المتفق عليه</translation>
    </message>
    <message>
        <source>◀ Previous to adjudicate</source>
        <translation>▶ السابق للفصل</translation>
    </message>
    <message>
        <source>Next to adjudicate ▶</source>
        <translation>التالي للفصل ◀</translation>
    </message>
    <message>
        <source>Adjudication:</source>
        <translation>الفصل:</translation>
    </message>
</context>
<context>
    <name>ReviewCommands</name>
    <message>
        <source>Reject the proposed versions</source>
        <translation>رفض النسخ المقترحة</translation>
    </message>
    <message>
        <source>Accept {name}&apos;s version</source>
        <translation>قبول نسخة {name}</translation>
    </message>
    <message>
        <source>Accept {name}&apos;s version (no span)</source>
        <translation>قبول نسخة {name} (بلا وسم)</translation>
    </message>
    <message>
        <source>Accept all agreed (all)</source>
        <translation>قبول كل المتفق عليه (الجميع)</translation>
    </message>
    <message>
        <source>Accept all agreed ({quorum} of {n})</source>
        <translation>قبول كل المتفق عليه ({quorum} من {n})</translation>
    </message>
</context>
<context>
    <name>ReviewMenus</name>
    <message>
        <source>In the disagreement list:</source>
        <translation>في قائمة الخلافات:</translation>
    </message>
    <message>
        <source>  N / Shift+N: next / previous disagreement</source>
        <translation>  N / Shift+N: الخلاف التالي / السابق</translation>
    </message>
    <message>
        <source>  1…9: accept that annotator&apos;s version</source>
        <translation>  1…9: قبول نسخة ذلك المُعلِّم</translation>
    </message>
    <message>
        <source>  R or Delete: reject the proposed versions</source>
        <translation>  R أو Delete: رفض النسخ المقترحة</translation>
    </message>
    <message>
        <source>In the gold view: select text and press a label key (1–4 or its letter) to tag; Delete removes the selected gold span.</source>
        <translation>في العرض الذهبي: حدِّد نصًّا واضغط مفتاح تسمية (1–4 أو حرفها) للوسم؛ ويحذف Delete الوسم الذهبي المحدد.</translation>
    </message>
    <message>
        <source>Clicking a span in an annotator&apos;s view selects its disagreement.</source>
        <translation>النقر على وسم في عرض أحد المُعلِّمين يحدد خلافه.</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;تحرير</translation>
    </message>
    <message>
        <source>&amp;Review</source>
        <translation>ال&amp;مراجعة</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>م&amp;ساعدة</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>ت&amp;راجع</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>إ&amp;عادة</translation>
    </message>
    <message>
        <source>&amp;Next disagreement</source>
        <translation>الخلاف ال&amp;تالي</translation>
    </message>
    <message>
        <source>&amp;Previous disagreement</source>
        <translation>الخلاف ال&amp;سابق</translation>
    </message>
    <message>
        <source>Accept {name}&apos;s version</source>
        <translation>قبول نسخة {name}</translation>
    </message>
    <message>
        <source>&amp;Reject the proposed versions</source>
        <translation>&amp;رفض النسخ المقترحة</translation>
    </message>
    <message>
        <source>Accept all &amp;agreed (quorum)</source>
        <translation>قبول كل ال&amp;متفق عليه (النصاب)</translation>
    </message>
    <message>
        <source>Adjudication &amp;done, next document</source>
        <translation>&amp;تمّ الفصل، المستند التالي</translation>
    </message>
    <message>
        <source>Next document to adjudicate</source>
        <translation>المستند التالي للفصل</translation>
    </message>
    <message>
        <source>Previous document to adjudicate</source>
        <translation>المستند السابق للفصل</translation>
    </message>
    <message>
        <source>&amp;Close review</source>
        <translation>&amp;إغلاق المراجعة</translation>
    </message>
    <message>
        <source>Review &amp;keys</source>
        <translation>&amp;مفاتيح المراجعة</translation>
    </message>
    <message>
        <source>Review keys</source>
        <translation>مفاتيح المراجعة</translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <source>{name} · adjudicated layer</source>
        <translation>{name} · الطبقة المفصول فيها</translation>
    </message>
    <message>
        <source>Reject the proposed versions  [R / Ctrl+Delete]</source>
        <translation>رفض النسخ المقترحة  [R / Ctrl+Delete]</translation>
    </message>
    <message>
        <source>N / Shift+N or F8 / Shift+F8: next / previous · 1…9: accept that annotator&apos;s version · R: reject · Ctrl+Return: done, next document · Ctrl+Z: undo</source>
        <translation>N / Shift+N أو F8 / Shift+F8: التالي / السابق · 1…9: قبول نسخة ذلك المُعلِّم · R: رفض · Ctrl+Return: تمّ، المستند التالي · Ctrl+Z: تراجع</translation>
    </message>
    <message>
        <source>no document with id {id}</source>
        <translation>لا مستند بالمعرِّف {id}</translation>
    </message>
    <message>
        <source>Review — {title}</source>
        <translation>المراجعة — {title}</translation>
    </message>
    <message>
        <source>Every other document is adjudicated.</source>
        <translation>فُصل في كل المستندات الأخرى.</translation>
    </message>
    <message>
        <source>The previous document was marked done with {n} items open.</source>
        <translation>عُلِّم المستند السابق منتهيًا وفيه {n} بنود مفتوحة.</translation>
    </message>
    <message>
        <source>Open disagreements: {n}</source>
        <translation>الخلافات المفتوحة: {n}</translation>
    </message>
    <message>
        <source>No open disagreements in this document.</source>
        <translation>لا خلافات مفتوحة في هذا المستند.</translation>
    </message>
    <message>
        <source>This document&apos;s adjudication is done: nothing was added.</source>
        <translation>تمّ الفصل في هذا المستند: لم يُضف شيء.</translation>
    </message>
    <message>
        <source>{n} agreed spans accepted into gold.</source>
        <translation>قُبل {n} وسمًا متفقًا عليه في الطبقة الذهبية.</translation>
    </message>
    <message>
        <source>open read-only</source>
        <translation>مفتوح للقراءة فقط</translation>
    </message>
    <message>
        <source>Read-only ({reason}): nothing was changed.</source>
        <translation>للقراءة فقط ({reason}): لم يتغيّر شيء.</translation>
    </message>
</context>
<context>
    <name>SpanListModel</name>
    <message>
        <source>Label</source>
        <translation>التسمية</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>النص</translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation>السمات</translation>
    </message>
    <message>
        <source>Stored text {stored} differs from the document&apos;s {actual}</source>
        <translation>النص المحفوظ {stored} يختلف عن نص المستند {actual}</translation>
    </message>
    <message>
        <source>Check this value: {warning}</source>
        <translation>تحقّق من هذه القيمة: {warning}</translation>
    </message>
    <message>
        <source>any</source>
        <translation>أي سمة</translation>
    </message>
    <message>
        <source>key=value; key=value  (attributes of {label}: {names})</source>
        <translation>مفتاح=قيمة; مفتاح=قيمة  (سمات {label}: {names})</translation>
    </message>
    <message>
        <source>Attributes not changed: “{part}” has no name before “=”.</source>
        <translation>لم تتغيّر السمات: «{part}» بلا اسم قبل «=».</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>new</source>
        <translation>جديد</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>قيد العمل</translation>
    </message>
    <message>
        <source>done</source>
        <translation>منتهٍ</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>متخطّى</translation>
    </message>
</context>
<context>
    <name>SuggestionOverlay</name>
    <message>
        <source>Suggestion: {label} (from {source})</source>
        <translation>اقتراح: {label} (من {source})</translation>
    </message>
    <message>
        <source>Value: {value} (from {low} to {high})</source>
        <translation>القيمة: {value} (من {low} إلى {high})</translation>
    </message>
    <message>
        <source>Value: {value}</source>
        <translation>القيمة: {value}</translation>
    </message>
    <message>
        <source>{accept} accepts · {reject} rejects</source>
        <translation>للقبول: {accept} · للرفض: {reject}</translation>
    </message>
    <message>
        <source>the project&apos;s names</source>
        <translation>أسماء المشروع</translation>
    </message>
    <message>
        <source>the casualty-count rules</source>
        <translation>قواعد أعداد الضحايا</translation>
    </message>
    <message>
        <source>the date rules</source>
        <translation>قواعد التواريخ</translation>
    </message>
    <message>
        <source>Accept suggestion</source>
        <translation>قبول الاقتراح</translation>
    </message>
    <message>
        <source>No suggestions to accept in this document.</source>
        <translation>لا اقتراحات لقبولها في هذا المستند.</translation>
    </message>
    <message>
        <source>Accept {count} suggestions</source>
        <translation>قبول {count} اقتراحًا</translation>
    </message>
    <message>
        <source>No suggestions in this document.</source>
        <translation>لا اقتراحات في هذا المستند.</translation>
    </message>
    <message>
        <source>No suggestion at the caret: F9 goes to the next one.</source>
        <translation>لا اقتراح عند المؤشر: ينتقل F9 إلى الاقتراح التالي.</translation>
    </message>
    <message>
        <source>Reject suggestion</source>
        <translation>رفض الاقتراح</translation>
    </message>
</context>
<context>
    <name>TeamDialogs</name>
    <message>
        <source>What happened will show here.</source>
        <translation>ستظهر النتيجة هنا.</translation>
    </message>
</context>
</TS>
