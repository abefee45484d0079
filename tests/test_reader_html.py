"""The HTML reader: real snippets of the Pingtan pages, every Pingtan page, and hostile input.

The snippets below are copied from /work/shared/sources/pingtan/*.html with their
``style`` attributes (and a few layout attributes) removed to keep them short;
tags, text and spans are as published. Synthetic markup is marked as such.
"""

import csv
import re
from pathlib import Path

import pytest

from xxgk.importer.document import Document
from xxgk.importer.readers import SourceError
from xxgk.importer.readers import html as reader
from xxgk.importer.readers import read as read_source

PINGTAN = Path("/work/shared/sources/pingtan")
MANIFEST = PINGTAN.parent / "manifest.csv"
PAGES = sorted(PINGTAN.glob("*.html")) if PINGTAN.is_dir() else []
CHROME_WORDS = ("当前位置", "版权所有", "网站标识码", "QQ空间")
FIRST_SENTENCE = "根据《中华人民共和国政府信息公开条例》"


def read(markup, name: str = "snippet.html") -> Document:
    data = markup.encode("utf-8") if isinstance(markup, str) else markup
    return reader.read(Path(name), data)


def assert_rows_are_lines(doc: Document) -> None:
    """Every table row with text is one line of the text: its cells joined by TAB, left to right."""
    for table in doc.tables:
        by_line: dict[int, list] = {}
        for cell in table.cells:
            assert "\t" not in cell.text and "\n" not in cell.text
            if cell.line is not None:
                by_line.setdefault(cell.line, []).append(cell)
        for line, cells in by_line.items():
            assert len({c.row for c in cells}) == 1, f"line {line} mixes grid rows"
            cells.sort(key=lambda c: c.col)
            assert doc.lines[line - 1] == "\t".join(c.text for c in cells)
        rows_with_text = {c.row for c in table.cells if c.text}
        assert all(c.line is not None for c in table.cells if c.row in rows_with_text)
        covered = [(r, k) for c in table.cells for r in c.rows for k in c.cols]
        assert len(covered) == len(set(covered)), "two cells cover the same grid position"


def texts(cells) -> list[str]:
    return [c.text for c in cells]


# --- real snippets ---------------------------------------------------------------------------

# 350128-pingtan-zhsyq-2021.html, table 四 (行政复议、行政诉讼), whole: five rowspan=2 header cells
# printed one character per paragraph (结/果/维/持), the last two with a <br> inside a paragraph.
REVIEW_2021 = """<table border="1" cellspacing="0"><tbody>
<tr><td width="177" valign="center" colspan="5"><p class="p" align="justify"><span>行政复议</span><span><o:p></o:p></span></p></td>
<td width="386" valign="center" colspan="10"><p class="p" align="center"><span>行政诉讼</span><span><o:p></o:p></span></p></td></tr>
<tr><td width="35" valign="center" rowspan="2"><p class="p" align="justify"><span>结</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>果</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>维</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>持</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center" rowspan="2"><p class="p" align="justify"><span>结</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>果</span><span><br></span><span>纠</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>正</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center" rowspan="2"><p class="p" align="justify"><span>其</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>他</span><span><br></span><span>结</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>果</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center" rowspan="2"><p class="p" align="justify"><span>尚</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>未</span><span><br></span><span>审</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>结</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center" rowspan="2"><p class="p" align="justify"><span>总</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>计</span><span><o:p></o:p></span></p></td>
<td width="188" valign="center" colspan="5"><p class="p" align="justify"><span>未经复议直接起诉</span><span><o:p></o:p></span></p></td>
<td width="198" valign="center" colspan="5"><p class="p" align="justify"><span>复议后起诉</span><span><o:p></o:p></span></p></td></tr>
<tr><td width="40" valign="center"><p class="p" align="justify"><span>结</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>果</span><span><br></span><span>维</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>持</span><span><o:p></o:p></span></p></td>
<td width="30" valign="center"><p class="p" align="justify"><span>结</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>果</span><span><br></span><span>纠</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>正</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>其</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>他</span><span><br></span><span>结</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>果</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>尚</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>未</span><span><br></span><span>审</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>结</span><span><o:p></o:p></span></p></td>
<td width="47" valign="center"><p class="p" align="justify"><span>总</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>计</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>结</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>果</span><span><br></span><span>维</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>持</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>结</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>果</span><span><br></span><span>纠</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>正</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>其</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>他</span><span><br></span><span>结</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>果</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>尚</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>未</span><span><br></span><span>审</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>结</span><span><o:p></o:p></span></p></td>
<td width="56" valign="center"><p class="p" align="justify"><span>总</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>计</span><span><o:p></o:p></span></p></td></tr>
<tr><td width="35" valign="center"><p class="p" align="justify"><span>1</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>2</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>3</span><span><o:p></o:p></span></p></td>
<td width="40" valign="center"><p class="p" align="justify"><span>12</span><span><o:p></o:p></span></p></td>
<td width="30" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="47" valign="center"><p class="p" align="justify"><span>12</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="35" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="56" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td></tr></tbody></table>"""

# 350128-pingtan-zhsyq-2021.html, table 三: the three header rows, 一、本年新收, and the first two rows
# of 三、本年度办理结果 (rowspan=22, so the cut leaves it running past the end of this snippet).
MATRIX_2021 = """<table border="1" cellspacing="0"><tbody>
<tr><td width="291" valign="center" colspan="3" rowspan="3"><p class="p" align="justify"><span>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</span><span><o:p></o:p></span></p></td>
<td width="287" valign="center" colspan="8"><p class="p" align="justify"><span>申请人情况</span><span><o:p></o:p></span></p></td></tr>
<tr><td width="71" valign="center" colspan="2"><p class="p" align="justify"><span>自然人</span><span><o:p></o:p></span></p></td>
<td width="163" valign="center" colspan="5"><p class="p" align="justify"><span>法人或其他组织</span><span><o:p></o:p></span></p></td>
<td width="52" valign="center" rowspan="2"><p class="p" align="justify"><span>总计</span><span><o:p></o:p></span></p></td></tr>
<tr><td width="43" valign="center"><p class="MsoNormal"><span><font face="Calibri">&nbsp;</font></span><span><o:p></o:p></span></p></td>
<td width="39" valign="center" colspan="2"><p class="p" align="justify"><span>商业</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>企业</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>科研</span><span><o:p></o:p></span></p><p class="p" align="justify"><span>机构</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>社会公益组织</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>法律服务机构</span><span><o:p></o:p></span></p></td>
<td width="34" valign="center"><p class="p" align="justify"><span>其他</span><span><o:p></o:p></span></p></td></tr>
<tr><td width="291" valign="center" colspan="3"><p class="p" align="justify"><span>一、本年新收政府信息公开申请数量</span><span><o:p></o:p></span></p></td>
<td width="43" valign="center"><p class="p" align="justify"><span>64</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center" colspan="2"><p class="p" align="center"><span>0</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>2</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="34" valign="center"><p class="p" align="justify"><span>4</span><span><o:p></o:p></span></p></td>
<td width="52" valign="center"><p class="p" align="justify"><span>70</span><span><o:p></o:p></span></p></td></tr>
<tr><td width="68" valign="center" rowspan="22"><p class="p" align="justify"><span>三、本年度办理结果</span><span><o:p></o:p></span></p></td>
<td width="223" valign="center" colspan="2"><p class="p" align="justify"><span>（一）予以公开</span><span><o:p></o:p></span></p></td>
<td width="43" valign="center"><p class="p" align="justify"><span>27</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center" colspan="2"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>2</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="34" valign="center"><p class="p" align="justify"><span>1</span><span><o:p></o:p></span></p></td>
<td width="52" valign="center"><p class="p" align="justify"><span>30</span><span><o:p></o:p></span></p></td></tr>
<tr><td width="223" valign="center" colspan="2"><p class="p" align="justify"><span>（二）部分公开（区分处理的，只计这一情形，不计其他情形）</span><span><o:p></o:p></span></p></td>
<td width="43" valign="center"><p class="p" align="justify"><span>5</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center" colspan="2"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="39" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="34" valign="center"><p class="p" align="justify"><span>0</span><span><o:p></o:p></span></p></td>
<td width="52" valign="center"><p class="p" align="justify"><span><font face="Calibri">&nbsp;</font><font face="仿宋_GB2312">5</font></span><span><o:p></o:p></span></p></td></tr></tbody></table>"""

# 350128-pingtan-zhsyq-2014.html, the statistics table's first two rows: Word split 2014 and 78967.
SPLIT_2014 = """<table>
  <tbody>
    <tr>
      <td>
      <p><span>指标名称</span><span><o:p></o:p></span></p>
      </td>
      <td>
      <p><span>计量单位</span><span><o:p></o:p></span></p>
      </td>
      <td>
      <p><span>201</span><span>4</span><span>年度</span><span><o:p></o:p></span></p>
      </td>
      <td>
      <p><span>历年累计</span><span><o:p></o:p></span></p>
      </td>
    </tr>
    <tr>
      <td>
      <p><span>主动公开</span><span>文件</span><span>数</span><span><o:p></o:p></span></p>
      </td>
      <td>
      <p><span>条</span><span><o:p></o:p></span></p>
      </td>
      <td>
      <p><span>2543</span><span><o:p></o:p></span></p>
      </td>
      <td>
      <p><span>78</span><span>967</span><span><o:p></o:p></span></p>
      </td>
    </tr>
  </tbody>
</table>"""

# 350128-pingtan-zhsyq-2017.html, the contact lines: real spaces (邮 &nbsp;编) and <font> inside numbers.
CONTACT_2017 = """<p class="MsoNormal" align="justify"><span>联系地址：</span><span><font face="仿宋_GB2312">平潭综合实验区北厝镇金井湾片区管委会大楼东附属楼</font>7楼</span><span><o:p></o:p></span></p>
<p class="MsoNormal" align="justify"><span><font face="仿宋_GB2312">邮</font> &nbsp;<font face="仿宋_GB2312">编：</font>350400</span><span><o:p></o:p></span></p>
<p class="MsoNormal" align="justify"><span><font face="仿宋_GB2312">电</font> &nbsp;<font face="仿宋_GB2312">话：</font>0591-23162606</span><span><o:p></o:p></span></p>
<p class="MsoNormal" align="justify"><span><font face="仿宋_GB2312">传</font> &nbsp;<font face="仿宋_GB2312">真：</font>0591-23162143</span><span><o:p></o:p></span></p>
<p class="MsoNormal" align="justify"><span>电子邮箱：</span><a href="mailto:fqgkb@126.com"><span>pzxxgkb</span><span><font face="仿宋_GB2312">＠</font></span><span>163.com</span></a><span><o:p></o:p></span></p>"""

# 350128-pingtan-zhsyq-2014.html: <head> (meta tags and title) and a cut of <body>: the main menu, the
# breadcrumb, the title, source/time bar and share buttons, the tabs, the first paragraphs of the
# report, 附件下载, the QR code, the 关闭 button and the footer's site information.
HEAD_2014 = """<head>
    <meta charset="utf-8" name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0" />
    <meta http-equiv="x-UA-Compatible" content="IE=Edge" />
    <meta name="SiteName" content="平潭综合实验区党工委管委会"/>
<meta name="SiteDomain" content="www.pingtan.gov.cn"/>
<meta name="SiteIDCode" content="3590000001"/>
<meta name="ColumnName" content="政府信息公开年报"/>
<meta name="ColumnType" content="政府信息公开年报"/>
<meta name="ArticleTitle" content="平潭综合实验区管委会2014年度政府信息公开工作年度报告"/>
<meta name="PubDate" content="2015-01-02 00:00"/>
<meta name="ContentSource" content=""/>
<meta name="KeyWords" content=""/>
<meta name="Author" content="超级管理员"/>
<meta name="Desctiption" content=""/>
<meta name="Image" content=""/>
<meta name="Url" content="https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201501/t20150102_80791.htm"/>
<meta name="Pics" content=""/>
<meta name="DocId" content="80791"/>
<meta name="ChnlId" content="1813"/>
<title>平潭综合实验区管委会2014年度政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会</title>
</head>"""
PAGE_2014 = """<body>
<div class="header">
<ul class="clearflx" role="navigation" des="站点主目录">
<!--有下拉菜单的li加上parentNode-->
<li><a href="/">首页</a></li>
<li class="parentNode"><a href="https://www.pingtan.gov.cn/zwgk/">政务公开</a></li>
<li class="parentNode"><a href="https://www.pingtan.gov.cn/jdhy/">解读回应</a></li>
<li class="parentNode"><a href="https://www.pingtan.gov.cn/bsfw/">办事服务</a></li>
<li class="parentNode"><a href="https://www.pingtan.gov.cn/hdjl/">互动交流</a></li>
<li><a href="https://www.pingtan.gov.cn/zjpt/">走进平潭</a></li>
</ul>
</div>
<div class="main">
<div class="breadcrumb">
<span><i class="trt-iconfont trt-icon-weizhi"></i>当前位置：</span>
<ul>
<li>
<a href="../../../../" title="首页" class="CurrChnlCls">首页</a></li><li><a href="../../../" title="政务公开" class="CurrChnlCls">政务公开</a></li><li><a href="../../" title="政府信息公开" class="CurrChnlCls">政府信息公开</a></li><li><a href="../" title="政府信息公开年报" class="CurrChnlCls">政府信息公开年报</a>
</li>
</ul>
</div>
<div class="article_component">
<div class="article_title_group">
<div class="article_title text_align_center">
平潭综合实验区管委会2014年度政府信息公开工作年度报告
</div>
</div>
<div class="article_extend pad_base pad_base0_sm mar_t_base">
<div class="border_b_solid_01 none_sm mar_b_base"></div>
<div class="trt-row">
<div class="trt-col-16 trt-col-sm-24">
<span class="article_source">来源：平潭县人民政府</span>
<span class="article_time bf-pass">时间：2015-01-02 00:00</span>
</div>
<div class="trt-col-8 function_icon none_sm">
<span class="SLB_none"><i class="trt-iconfont trt-icon-zitifangda"></i></span>
<span class="SLB_none"><i class="trt-iconfont trt-icon-zitisuoxiao1"></i></span>
<span><i class="trt-iconfont trt-icon-shoucang"></i></span>
<span><i class="trt-iconfont trt-icon-_sc"></i></span>
<span class="phone_none" onclick="$printDetail()"><i class="trt-iconfont trt-icon-dayin"></i></span>
<span class="share"
><i class="trt-iconfont trt-icon-fenxiang1"></i>
<div class="share_box">
<a href="javascript:void(0);" title="分享到微信"><i class="trt-iconfont trt-icon-weixin1"></i>微信</a>
<a href="javascript:void(0);" target="_blank" title="分享到新浪微博"><i class="trt-iconfont trt-icon-weibo"></i>微博</a>
<a href="javascript:void(0);" target="_blank" title="分享到QQ空间"><i class="trt-iconfont trt-icon-kongjian"></i>QQ空间</a>
</div>
</span>
</div>
</div>
</div>
<div class="tabs tab_base_01">
<div class="tabs_hd">
<ul>
<li><a href="javascript:;">全真版</a></li>
<li><a href="javascript:;">文字版</a></li>
</ul>
<a title="文件下载" class="download"><i class="trt-iconfont trt-icon-pdf"></i>文件下载</a>
</div>
<div class="links_con mar_b_base">
<span>相关链接：</span>
<p>
<a target="_blank"></a>
</p>
</div>
<div class="tabs_content tabs_bd">
<div class="pic_con">
<iframe class="isofd" rameborder="0" scrolling="no"></iframe>
</div>
<div class="word_con">
<!-- 预防无法预览 -->
<!-- <div class="word_con"> -->
<div class="article_area">
<div class="article_content article_content_01 font_family_cn">
<p><span><?xml:namespace prefix = o ns = "urn:schemas-microsoft-com:office:office" /><o:p></o:p></span></p>
<p><span>平潭综合实验区</span><span><o:p></o:p></span></p>
<p><span>201</span><span>4年度</span><span>政府信息公开工作年度报告</span><span><o:p></o:p></span></p>
<p><span><o:p>&nbsp;</o:p></span></p>
<p><span>根据《中华人民共和国政府信息公开条例》（以下简称《条例》）以及</span><span>《福建省人民政府办公厅关于做好</span><span>2014年政府信息公开工作要点落实情况督查及政府信息公开工作年度报告有关事项的通知</span><span>》（闽政办函〔201</span><span>4</span><span>〕</span><span>130号</span><span>）的要求，我区管委会办公室编制完成了本报告。本报告由概述、主动公开政府信息情况、政府信息依申请公开工作情况、政府信息公开的收费及减免情况、政府信息公开工作存在的主要问题及改进情况和政府信息公</span><span>开情况统计表共</span><span>六</span><span>个部分组成。本报告所列数据的统计期限自201</span><span>4</span><span>年1月1日起至201</span><span>4</span><span>年12月31日。本报告的电子版可在“平潭综合实验区门户网站”（www.pingtan.gov.cn）下载。如对本报告有任何疑问，请与平潭综合实验区</span><span>政府</span><span>信息公开工作办公室联系（地址：平潭综合实验区管委会办公室；邮编：350400；电话：</span><span>23158786</span><span>；传真：2315</span><span>8138</span><span>；电子邮箱：</span><span><a href="mailto:fqgkb@126.com"><span class="15">pzxxgkb</span><span class="15">@163.com</span></a></span><span>）。</span><span><o:p></o:p></span></p>
<p><span>一、&nbsp;概述</span><span><o:p></o:p></span></p>
<p><span>推进政府信息公开工作是平潭综合实验区贯彻实施《条例》和落实国务院《全面推进依法行政实施纲要》的重要举措，是平潭综合实验区管委会推进“服务政府、法治政府、责任政府”建设的一项重要工作。按照《国务院办公厅关于做好施行〈中华人民共和国政府信息公开条例〉准备工作的通知》和省市政府信息公开规定（下称《规定》）要求，</span><span>我</span><span>区201</span><span>4</span><span>年政府信息公开工作在上级有关部门和平潭综合实验区政府信息公开工作领导小组的组织领导下，持续稳步开展，不断深化公开内容、完善工作机制、拓展公开渠道、规范操作流程，认真为社会公众查询、利用政府信息提供更及时、更有效的服务。</span><span>主要做法有：</span><span><o:p></o:p></span></p>
</div>
<div class="article_attachment" id="file_xmb">
<div class="title_base">
<div class="title_icon_base"><i class="trt-iconfont trt-icon-xiazai"></i><text class="barrier-free-text">附件下载</text></div>
</div>
<div class="list_base primary_color list_base_date_02 mar_t_small">
<ul id="file_ul_fj">
</ul>
</div>
</div>
<div class="article_qrcode_area none_sm">
<div class="article_qrcode">
<p>扫一扫在手机上查看当前页面</p>
<div class="ewm-img" id="qrcode"></div>
</div>
</div>
<div class="article_btn_group none_sm">
<button onclick="$close_window();" title="关闭" alt="关闭" class="btn_base btn_outline btn_outline_info" id="open_messagebox"><i class="trt-iconfont trt-icon-guanbi"></i>关闭</button>
</div>
</div>
</div>
</div>
</div>
</div>

</div>
<div class="footer">
<div class="trt-col-11 trt-col-sm-24 website_info">
<p>
<a href="https://www.pingtan.gov.cn/zwzdb/sybz/" target="_blank" title="使用帮助">使用帮助</a>
<em>|</em>
<a href="https://www.pingtan.gov.cn/zwzdb/lxwm/" target="_blank" title="联系我们">联系我们</a>
<em>|</em>
<a href="https://www.pingtan.gov.cn/zwzdb/ysbh/" target="_blank" title="隐私保护">隐私保护</a>
<em>|</em>
<a href="https://www.pingtan.gov.cn/zwzdb/xmtjz/" target="_blank" title="新媒体矩阵">新媒体矩阵</a>
<em>|</em>
<a href="https://www.pingtan.gov.cn/zwzdb/gywm/" target="_blank" title="关于我们">关于我们</a>
<em>|</em>
<p>
<span>网站标识码：3590000001</span>
<span><img src="/images/babs.png" /> <a href="https://www-beian-gov-cnx45c8966fb3868xx.ipv6best.cn/portal/registerSystemInfo?recordcode=35012899001-19002" Target="_blank">公安备案号：35012899001-19002</a></span>
<span><a href="https://beian.miit.gov.cn" Target="_blank" title="闽ICP备09032658号">闽ICP备09032658号</a></span>
</p>
<p><span>版权所有：平潭综合实验区党工委管委会网站</span></p>
</div>
</div>
</body>"""


def test_rowspans_carry_down_and_colspans_advance():
    doc = read(REVIEW_2021)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert (table.n_rows, table.n_cols) == (4, 15)
    grid = table.grid()
    first = table.row_cells(0)
    assert [(c.text, c.col, c.colspan) for c in first] == [("行政复议", 0, 5), ("行政诉讼", 5, 10)]
    second = [c for c in table.cells if c.row == 1]
    assert [(c.text, c.col, c.rowspan, c.colspan) for c in second] == [
        ("结果维持", 0, 2, 1), ("结果纠正", 1, 2, 1), ("其他结果", 2, 2, 1), ("尚未审结", 3, 2, 1),
        ("总计", 4, 2, 1), ("未经复议直接起诉", 5, 1, 5), ("复议后起诉", 10, 1, 5)]
    # row 2 starts at column 5: columns 0-4 are still taken by the rowspans from row 1
    third = [c for c in table.cells if c.row == 2]
    assert [c.col for c in third] == list(range(5, 15))
    assert all(grid[2][k] is grid[1][k] for k in range(5))
    assert texts(third) == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
    assert texts(table.row_cells(3)) == ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"]
    assert doc.lines[2] == "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
    assert_rows_are_lines(doc)


def test_a_value_spanning_two_columns_is_one_cell():
    doc = read(MATRIX_2021)
    table = doc.tables[0]
    grid = table.grid()
    corner = grid[0][0]
    assert corner.text.startswith("（本列数据的勾稽关系为") and (corner.rowspan, corner.colspan) == (3, 3)
    assert grid[2][0] is corner  # carried into the third header row
    assert [(c.text, c.col, c.colspan) for c in table.cells if c.row == 1] == [
        ("自然人", 3, 2), ("法人或其他组织", 5, 5), ("总计", 10, 1)]
    assert grid[2][10].text == "总计" and grid[2][10].rowspan == 2
    # the third header row starts with an empty cell under 自然人; 商业企业 (two paragraphs) spans 4-5
    assert [(c.text, c.col, c.colspan) for c in table.cells if c.row == 2][:2] == [("", 3, 1), ("商业企业", 4, 2)]
    assert doc.lines[2].startswith("\t商业企业\t")
    new = table.row_cells(3)
    assert new[0].text == "一、本年新收政府信息公开申请数量" and (new[0].col, new[0].colspan) == (0, 3)
    assert [(c.text, c.col, c.colspan) for c in new[1:]] == [
        ("64", 3, 1), ("0", 4, 2), ("0", 6, 1), ("2", 7, 1), ("0", 8, 1), ("4", 9, 1), ("70", 10, 1)]
    assert grid[3][4] is grid[3][5]
    assert doc.lines[3] == "一、本年新收政府信息公开申请数量\t64\t0\t0\t2\t0\t4\t70"
    # 三、本年度办理结果 says rowspan=22; this cut has two rows left, so it is clamped to them
    result = grid[4][0]
    assert result.text == "三、本年度办理结果" and result.rowspan == 2 and grid[5][0] is result
    assert [(c.text, c.col) for c in table.cells if c.row == 5][:2] == [
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1), ("5", 3)]
    assert any("截断" in note for note in doc.notes)
    assert_rows_are_lines(doc)


def test_inline_tags_join_without_a_space_and_real_spaces_stay_one():
    doc = read(SPLIT_2014)
    assert "<span>78</span><span>967</span>" in SPLIT_2014
    assert doc.lines[:2] == ["指标名称\t计量单位\t2014年度\t历年累计", "主动公开文件数\t条\t2543\t78967"]
    assert doc.tables[0].cells[7].text == "78967"
    doc = read(CONTACT_2017)
    assert doc.lines[:5] == ["联系地址：平潭综合实验区北厝镇金井湾片区管委会大楼东附属楼7楼", "邮 编：350400",
                             "电 话：0591-23162606", "传 真：0591-23162143", "电子邮箱：pzxxgkb＠163.com"]


def test_a_source_line_break_between_chinese_characters_is_not_a_space():
    # synthetic: editors wrap long lines in the HTML source; a browser shows no space between CJK characters
    doc = read("<p>根据《中华人民共和国政府信息公开条例》\n  规定，本报告所列数据\n统计至2018\n年底。<br>第二行</p>")
    assert doc.text == "根据《中华人民共和国政府信息公开条例》规定，本报告所列数据统计至2018 年底。\n第二行\n"


def test_site_chrome_is_not_report_text():
    doc = read("<html>" + HEAD_2014 + PAGE_2014 + "</html>")
    assert doc.lines[:2] == ["平潭综合实验区", "2014年度政府信息公开工作年度报告"]  # Word split 201|4年度
    assert doc.lines[2].startswith(FIRST_SENTENCE) and "（闽政办函〔2014〕130号）" in doc.lines[2]
    assert doc.lines[3] == "一、 概述"  # 一、&nbsp;概述
    assert doc.lines[4].endswith("主要做法有：") and doc.lines[5:] == [""]
    for chrome in CHROME_WORDS + ("首页", "来源：", "时间：", "微信", "全真版", "文件下载", "相关链接", "附件下载",
                                  "扫一扫", "关闭", "备案号", "走进平潭", "使用帮助"):
        assert chrome not in doc.text, chrome
    assert doc.tables == []


def test_title_date_and_url_from_the_meta_tags():
    doc = read("<html>" + HEAD_2014 + PAGE_2014 + "</html>")
    assert doc.title == "平潭综合实验区管委会2014年度政府信息公开工作年度报告"
    assert doc.published == "2015-01-02"
    assert doc.url == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201501/t20150102_80791.htm"
    assert doc.kind == "html" and doc.method.startswith("xxgk html reader 1: ")
    assert "beautifulsoup4 4." in doc.method and "lxml " in doc.method


def test_title_and_date_without_meta_tags():
    title = re.search(r"<title>.*?</title>", HEAD_2014).group()
    doc = read("<html><head>" + title + "</head>" + PAGE_2014 + "</html>")
    assert doc.title == "平潭综合实验区管委会2014年度政府信息公开工作年度报告"  # <title> less the site's name
    assert doc.published == "2015-01-02"  # from 时间：2015-01-02 00:00 in the page
    assert doc.url == ""


@pytest.mark.parametrize("markup, date", [
    ("<p>发布时间：2018-01-23 来源：某局</p>", "2018-01-23"),
    ("<p>发布日期 2018年1月23日</p>", "2018-01-23"),
    ("<span>时间：2018/1/3</span>", "2018-01-03"),
    ("<p>发布日期：2018-13-45</p>", ""),  # not a date
    ("<p>二〇一八年一月</p>", ""),
])
def test_publication_date_in_the_text(markup, date):  # synthetic
    assert read("<html><body><div>" + markup + "<p>正文</p></div></body></html>").published == date


# --- pages of sites nobody here has seen (synthetic) ------------------------------------------

PARAGRAPH = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布本机关2018年度政府信息公开工作"
             "年度报告。本报告所列数据的统计期限自2018年1月1日起至2018年12月31日止。")
MORE = "<p>一、概述</p><p>" + "全年主动公开政府信息1234条，其中规范性文件56件，政府网站公开1100条。" * 3 + "</p>"
TAIL = "<p>二、存在的主要问题</p><p>" + "工作基础需进一步夯实，信息公开意识有待增强，公开内容不够全面。" * 2 + "</p>"

TABLE_LAYOUT_SITE = f"""<html><head><title>某县2018年政府信息公开工作年度报告 - 某县人民政府</title></head>
<body><table width="100%"><tr><td><img src="logo.png"> 某县人民政府门户网站</td></tr>
<tr><td><table width="100%"><tr>
<td><a href="/1">首页</a><br><a href="/2">政务公开</a><br><a href="/3">领导之窗</a><br><a href="/4">政府文件</a></td>
<td><div>当前位置：<a href="/">首页</a> &gt; <a href="/x">政府信息公开年报</a></div>
<h1>某县2018年政府信息公开工作年度报告</h1>
<div>发布时间：2019-01-23 来源：县政府办 字体：【大 中 小】 【打印】 【关闭】</div>
<div><p>{PARAGRAPH}</p>{MORE}
<table border="1"><tr><th>指标</th><th>数量</th></tr><tr><td>主动公开政府信息数</td><td>12<span>34</span></td></tr></table>
{TAIL}</div>
<div>相关链接：<a href="/a">某县2017年政府信息公开工作年度报告</a> <a href="/b">某县2016年政府信息公开工作年度报告</a></div>
<div>分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
</td></tr></table></td></tr>
<tr><td>版权所有：某县人民政府 备案号：闽ICP备000000号 网站标识码：3500000000</td></tr></table></body></html>"""

FLAT_SITE = f"""<html><body><div><h2>某局2018年度政府信息公开工作年度报告</h2>
<div>来源：某局 时间：2019-02-01 浏览次数：123</div><p>{PARAGRAPH}</p>{MORE}
<table border="1"><thead><tr><td>指标</td><td>数量</td></tr></thead><tr><td>收到申请数</td><td>5</td></tr></table>
{TAIL}<div>【打印本页】 【关闭窗口】</div><div>分享到：微信 微博 QQ空间</div><p>附件下载：</p></div>
<div><p>版权所有 某局 网站标识码 3500000001</p></div></body></html>"""


def test_unseen_site_with_a_table_layout():
    doc = read(TABLE_LAYOUT_SITE)
    assert PARAGRAPH in doc.lines[:2] and doc.lines[-2].startswith("工作基础需进一步夯实")
    assert doc.title == "某县2018年政府信息公开工作年度报告" and doc.published == "2019-01-23"
    assert len(doc.tables) == 1 and "主动公开政府信息数\t1234" in doc.lines
    assert doc.tables[0].cells[0].header and not doc.tables[0].cells[2].header
    assert not any(word in doc.text for word in CHROME_WORDS + ("首页", "打印", "相关链接", "分享到"))
    assert_rows_are_lines(doc)


def test_unseen_site_with_chrome_inside_the_article_container():
    doc = read(FLAT_SITE)
    assert doc.lines[:2] == ["某局2018年度政府信息公开工作年度报告", PARAGRAPH]
    assert doc.title == "某局2018年度政府信息公开工作年度报告" and doc.published == "2019-02-01"
    assert doc.lines[-2].startswith("工作基础需进一步夯实")
    assert not any(word in doc.text for word in CHROME_WORDS + ("来源", "打印", "关闭", "分享到", "附件下载"))
    assert [c.header for c in doc.tables[0].cells] == [True, True, False, False]  # <thead>
    assert any("去掉" in note for note in doc.notes)


# --- tables (synthetic) ----------------------------------------------------------------------

def test_a_nested_table_is_its_own_table():
    doc = read("""<div><p>前言</p><table>
      <tr><td>甲</td><td>乙<table><tr><td>内1</td><td>内2</td></tr><tr><td>内3</td><td>内4</td></tr></table></td></tr>
      <tr><td>丙</td><td>丁</td></tr></table><p>后记</p></div>""")
    assert doc.text == "前言\n甲\t乙\n内1\t内2\n内3\t内4\n丙\t丁\n后记\n"
    outer, inner = doc.tables
    assert (outer.index, inner.index) == (1, 2)
    assert texts(outer.cells) == ["甲", "乙", "丙", "丁"] and texts(inner.cells) == ["内1", "内2", "内3", "内4"]
    assert [c.line for c in inner.cells] == [3, 3, 4, 4]
    assert_rows_are_lines(doc)


def test_absurd_spans_and_ragged_rows():
    doc = read("""<table>
      <tr><td rowspan="0">a</td><td colspan="abc">b</td><td colspan="99999">c</td></tr>
      <tr><td rowspan="7">d</td></tr>
      <tr><td>e</td><td>f</td><td colspan="2">g</td><td rowspan="-1">h</td></tr>
      <tr></tr></table>""")
    table = doc.tables[0]
    a, b, c, d, e, f, g, h = table.cells
    assert (a.row, a.col, a.rowspan) == (0, 0, 4)  # rowspan=0: to the end of the table
    assert (b.col, b.colspan) == (1, 1) and (c.col, c.colspan) == (2, 1000)
    assert (d.row, d.col, d.rowspan) == (1, 1, 3)  # clamped to the rows that exist
    assert [(x.col, x.colspan) for x in (e, f, g, h)] == [(2, 1), (3, 1), (4, 2), (6, 1)]
    assert table.n_rows == 4 and table.n_cols == 1002
    assert doc.lines == ["a\tb\tc", "d", "e\tf\tg\th", ""]
    assert_rows_are_lines(doc)


def test_a_colspan_running_into_a_rowspan_stops_there():
    doc = read("<table><tr><td>x</td><td rowspan=2>y</td></tr><tr><td colspan=3>z</td><td>w</td></tr></table>")
    x, y, z, w = doc.tables[0].cells
    assert (z.col, z.colspan) == (0, 1) and (w.col, w.colspan) == (2, 1)
    assert_rows_are_lines(doc)


def test_a_one_column_table_holding_paragraphs_is_layout():
    doc = read(f"<div><table><tr><td><p>{PARAGRAPH}</p><p>一、概述</p></td></tr><tr><td><table><tr><td>主动公开"
               "政府信息数</td><td>2543</td></tr><tr><td>收到申请数</td><td>5</td></tr><tr><td>申请答复数</td><td>5"
               "</td></tr></table></td></tr></table></div>")
    assert doc.text == f"{PARAGRAPH}\n一、概述\n主动公开政府信息数\t2543\n收到申请数\t5\n申请答复数\t5\n"
    assert len(doc.tables) == 1 and doc.tables[0].n_rows == 3


# --- bytes -----------------------------------------------------------------------------------

GB_PAGE = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>报告</title>'
           "</head><body><p>平潭综合实验区政府信息公开工作年度报告</p><p>主动公开政府信息2543条</p></body></html>")


def test_decoding():
    assert read(GB_PAGE.encode("gb18030")).lines[:2] == ["平潭综合实验区政府信息公开工作年度报告", "主动公开政府信息2543条"]
    undeclared = GB_PAGE.replace("; charset=gb2312", "").encode("gb18030")
    doc = read(undeclared)
    assert doc.lines[0] == "平潭综合实验区政府信息公开工作年度报告" and "按 gb18030 解码" in doc.notes
    # a byte-order mark wins over a wrong declaration
    assert read(b"\xef\xbb\xbf" + GB_PAGE.encode("utf-8")).lines[0] == "平潭综合实验区政府信息公开工作年度报告"
    # a wrong declaration falls back to UTF-8
    assert read(GB_PAGE.encode("utf-8")).lines[0] == "平潭综合实验区政府信息公开工作年度报告"
    assert read("\ufeff<p>中文</p>".encode("utf-16-le")).text == "中文\n"
    with pytest.raises(SourceError, match="无法解码"):
        read(b"<html><body>\xff\xfe\xfd\x80\x81</body></html>", "broken.html")


@pytest.mark.parametrize("markup", [
    b"",
    b"   \n",
    b"<html><body></body></html>",
    "<html><body><p>没有表格的报告。</p></body></html>".encode(),
    "<div><p>一、总体情况<div><span>78<b>967</span></td></tr><table><tr><td>甲<td colspan=x>乙</table></p>".encode(),
    "<table><tr><td>没有结束的表格<tr><td rowspan=3>甲<td>乙".encode(),
    GB_PAGE.encode("gb18030"),
    "<body><div><p>正文</p><script>document.write('<p>脚本</p>')</script><p>第二段</p></div></body>".encode(),
    b"<html><body><p>a\x00b\x01c</p></body></html>",
    b'<?xml version="1.0" encoding="utf-8"?><html><body><p>\xe4\xb8\xad</p></body></html>',
    b"<html><frameset><frame src=a></frameset></html>",
    b"<div>" * 3000 + "<p>深层</p>".encode() + b"</div>" * 3000,
    b'<meta charset="x-nonsense"><p>\xe4\xb8\xad</p>',
    b"<td>a</td><td>b</td><caption>c</caption><tr><th>d",
    "<pre>第一行\n\n  第二行</pre><table></table><table><tr><td></td></tr></table>".encode(),
], ids=["empty", "blank", "empty-body", "no-tables", "unbalanced", "unclosed-table", "gb18030", "script",
        "control-chars", "xml-declaration", "frameset", "deep", "unknown-charset", "stray-cells",
        "pre-and-empty-tables"])
def test_hostile_input_never_raises(markup):
    doc = read(markup)
    assert isinstance(doc.text, str) and (doc.text == "" or doc.text.endswith("\n"))
    assert "" not in doc.text.split("\n")[:-1]  # no empty lines
    assert "脚本" not in doc.text and "document.write" not in doc.text
    assert_rows_are_lines(doc)


def test_preformatted_lines_stay_lines():
    doc = read("<pre>第一行\n\n  第二行  缩进</pre>")
    assert doc.text == "第一行\n第二行 缩进\n"


def test_scripts_inside_the_body_are_not_text():
    doc = read("<body><div><p>正文第一段</p><script>var a = '<p>脚本</p>';</script><style>p{}</style>"
               "<noscript>请启用脚本</noscript><p>正文第二段</p></div></body>")
    assert doc.text == "正文第一段\n正文第二段\n"


# --- every Pingtan page ----------------------------------------------------------------------

def manifest() -> dict[str, dict]:
    if not MANIFEST.is_file():
        return {}
    with MANIFEST.open(encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f) if row["kind"] == "html"}


def expected_tables(path: Path) -> int:
    if "dishui" in path.name:
        return 0  # the 2013 tax bureau report is prose only
    year = int(re.search(r"(\d{4})\.html$", path.name).group(1))
    return 1 if year <= 2018 else 3


def read_page(path: Path) -> Document:
    return reader.read(path, path.read_bytes())


def need_pages() -> None:
    if not PAGES:
        pytest.skip(f"{PINGTAN} is absent or holds no .html: the Pingtan pages are not available here")


@pytest.mark.parametrize("path", PAGES or [None], ids=lambda p: p.stem if p else "no-pingtan-pages")
def test_every_pingtan_page(path):
    need_pages()
    doc = read_page(path)
    start = doc.text.find(FIRST_SENTENCE)
    assert 0 <= start < 200, doc.text[:300]
    for word in CHROME_WORDS:
        assert word not in doc.text, word
    assert len(doc.tables) == expected_tables(path)
    assert [t.index for t in doc.tables] == list(range(1, len(doc.tables) + 1))
    assert doc.text.endswith("\n") and "" not in doc.lines[:-1]
    row_lines = {c.line for t in doc.tables for c in t.cells}
    for number, line in enumerate(doc.lines[:-1], 1):
        if number not in row_lines:
            assert line == line.strip() and "\t" not in line and "  " not in line
    assert_rows_are_lines(doc)
    assert doc.title.endswith("报告") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.published)
    row = manifest().get(f"pingtan/{path.name}")
    if row:
        assert doc.url == row["original_url"]
        assert int(doc.published[:4]) == int(row["year"]) + 1  # published early in the next year
    assert read_page(path).text == doc.text  # the same bytes give the same text


def page(name: str) -> Document:
    need_pages()
    path = PINGTAN / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return read_page(path)


def test_2021_matrix_new_applications_row():
    doc = page("350128-pingtan-zhsyq-2021.html")
    table = doc.tables[1]
    row = next(r for r in range(table.n_rows) if table.row_cells(r)[0].text.startswith("一、本年新收"))
    cells = [c for c in table.cells if c.row == row]
    # seven printed value cells: the 0 under 商业企业 has colspan=2 (grid columns 4 and 5), so the
    # eight grid columns 3-10 read 64,0,0,0,2,0,4,70 with columns 4 and 5 the same cell
    assert texts(cells) == ["一、本年新收政府信息公开申请数量", "64", "0", "0", "2", "0", "4", "70"]
    assert [(c.col, c.colspan) for c in cells[1:]] == [(3, 1), (4, 2), (6, 1), (7, 1), (8, 1), (9, 1), (10, 1)]
    grid = table.grid()
    assert [grid[row][k].text for k in range(3, 11)] == ["64", "0", "0", "0", "2", "0", "4", "70"]
    assert grid[row][4] is grid[row][5]
    # the header quirk: 自然人 spans columns 3-4, but the row below has an empty cell at column 3 and
    # 商业企业 at 4-5, so column 4 sits under both 自然人 and 商业企业
    assert (grid[1][3].text, grid[1][4].text, grid[2][3].text, grid[2][4].text) == ("自然人", "自然人", "", "商业企业")
    assert doc.lines[cells[0].line - 1] == "一、本年新收政府信息公开申请数量\t64\t0\t0\t2\t0\t4\t70"


def test_2014_cumulative_total_split_by_word():
    path = PINGTAN / "350128-pingtan-zhsyq-2014.html"
    doc = page(path.name)
    # the markup really splits it: <span ...>78</span><span ...>967</span>
    assert re.search(r">78</span>\s*<span[^>]*>967<", path.read_text(encoding="utf-8"))
    table = doc.tables[0]
    header = [c.text for c in table.row_cells(0)]
    assert header == ["指标名称", "计量单位", "2014年度", "历年累计"]
    row = next(r for r in range(table.n_rows) if table.row_cells(r)[0].text == "主动公开文件数")
    assert [c.text for c in table.row_cells(row)] == ["主动公开文件数", "条", "2543", "78967"]


def test_2019_matrix_prints_its_row_header_twice():
    # as printed: Word split 三、本年度办理结果 into two rowspan cells (10 rows each) at a page break
    table = page("350128-pingtan-zhsyq-2019.html").tables[1]
    heads = [c for c in table.cells if c.text == "三、本年度办理结果"]
    assert [(c.row, c.rowspan) for c in heads] == [(5, 10), (15, 10)]


def test_the_registry_picks_this_reader_for_a_web_page():
    need_pages()
    doc = read_source(PAGES[0])
    assert doc.kind == "html" and doc.text and doc.seconds > 0
